import Platform
import XCTest

/// The conversions between the public API's `Duration`s and the integer
/// nanoseconds, seconds and milliseconds inside and in the reports.
final class DurationUnitsTests: XCTestCase {
    func testNanosecondsRoundTowardZeroAndSaturate() {
        XCTAssertEqual(Duration.milliseconds(6).inNanoseconds, 6_000_000)
        XCTAssertEqual((Duration.nanoseconds(7) + .init(secondsComponent: 0, attosecondsComponent: 999_999_999)).inNanoseconds, 7)
        XCTAssertEqual(Duration.nanoseconds(-1_500).inNanoseconds, -1_500)
        // A timeout of "forever" must not trap on the way to nanoseconds.
        XCTAssertEqual(Duration.seconds(Int64.max).inNanoseconds, .max)
        XCTAssertEqual(Duration.seconds(Int64.min).inNanoseconds, .min)
    }

    func testSecondsSurviveWritingAndReadingBack() {
        // The pipeline file's `duration`: read to whole nanoseconds, written
        // as seconds, read again: the same value, at both ends of its range.
        for seconds in [0.001, 0.0010000000000000002, 0.1, 2.5, 1.0 / 3.0, 59.999_999_999_7, 86_400] {
            let read = Duration.seconds(roundedToNanoseconds: seconds)
            XCTAssertEqual(Duration.seconds(roundedToNanoseconds: read.inSeconds), read, "\(seconds)")
        }
        XCTAssertEqual(Duration.seconds(roundedToNanoseconds: 2.5), .milliseconds(2500))
        XCTAssertEqual(Duration.seconds(roundedToNanoseconds: .infinity).inNanoseconds, .max)
        XCTAssertEqual(Duration.seconds(roundedToNanoseconds: .nan), .zero)
    }

    func testMillisecondsOfANanosecondSampleGiveTheSampleBack() {
        // LatencySummary keeps milliseconds (report.json); its Duration is the sample.
        for nanoseconds: Int64 in [1_000, 12_345_678, 16_666_667, 3_600_000_000_000] {
            let milliseconds = Double(nanoseconds) / 1e6
            XCTAssertEqual(Duration.milliseconds(roundedToNanoseconds: milliseconds), .nanoseconds(nanoseconds))
            XCTAssertEqual(Duration.nanoseconds(nanoseconds).inMilliseconds, milliseconds)
        }
    }
}
