import Dispatch
import Platform
import XCTest

/// DispatchTimers hands libdispatch CLOCK_MONOTONIC times as uptime
/// deadlines without reading the clock: that holds only while libdispatch's
/// uptime clock is CLOCK_MONOTONIC, as it is on Linux.
final class DispatchClockTests: XCTestCase {
    func testDispatchUptimeIsTheMonotonicClock() {
        let before = monotonicNanoseconds()
        let uptime = Int64(DispatchTime.now().uptimeNanoseconds)
        let after = monotonicNanoseconds()
        // The same clock reads between the two reads around it (CLOCK_BOOTTIME
        // or CLOCK_REALTIME would be off by the suspended time or the epoch).
        XCTAssertGreaterThanOrEqual(uptime, before)
        XCTAssertLessThanOrEqual(uptime, after)
        // And an uptime deadline made from a monotonic time is that time.
        XCTAssertEqual(DispatchTime(uptimeNanoseconds: UInt64(after)).uptimeNanoseconds, UInt64(after))
    }
}
