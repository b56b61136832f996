import CKernelShim
import Dispatch
import Foundation
import Platform
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// The epoll instance that stands between libdispatch and the devices
/// (issue 18), on this machine's kernel with a pipe standing in for a
/// device: a pipe whose write end closes hangs up as an unplugged node does.
final class ReadinessSetTests: XCTestCase {
    private struct Pipe: ~Copyable {
        let read: OwnedFD
        var writer: Int32

        init() throws {
            var ends: [Int32] = [0, 0]
            guard fp_pipe2(&ends, O_NONBLOCK | O_CLOEXEC) == 0 else { throw POSIXError(.EIO) }
            read = OwnedFD(adopting: ends[0], path: "pipe")
            writer = ends[1]
        }

        func write() { var byte: UInt8 = 1; _ = Glibc.write(writer, &byte, 1) }

        mutating func hangUp() {
            close(writer)
            writer = -1
        }

        deinit { if writer >= 0 { close(writer) } }
    }

    private func ready(_ set: ReadinessSet, timeout: Int32 = 0) throws -> [(token: UInt64, events: UInt32)] {
        var tokens = [UInt64](repeating: 0, count: 4), events = [UInt32](repeating: 0, count: 4)
        let count = try set.wait(tokens: &tokens, events: &events, capacity: 4, timeoutMilliseconds: timeout)
        return (0..<count).map { (tokens[$0], events[$0]) }
    }

    private func pollEvents(_ descriptor: Int32) -> Int16 {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return Glibc.poll(&entry, 1, 0) > 0 ? entry.revents : 0
    }

    func testReportsADeviceByItsTokenOnlyWhileItIsReady() throws {
        let set = try ReadinessSet(name: "test", kernel: SystemKernel.shared)
        let pipe = try Pipe()
        try set.add(pipe.read, token: 7)
        XCTAssertTrue(try ready(set).isEmpty, "nothing written yet")
        XCTAssertEqual(pollEvents(set.fileDescriptor), 0)
        pipe.write()
        let events = try ready(set)
        XCTAssertEqual(events.map(\.token), [7])
        XCTAssertEqual(events.first.map { $0.events & fp_EPOLLIN }, fp_EPOLLIN)
        XCTAssertEqual(pollEvents(set.fileDescriptor), Int16(POLLIN), "the set itself polls readable")
        // Level-triggered: still ready until read.
        XCTAssertEqual(try ready(set).map(\.token), [7])
    }

    /// What keeps libdispatch safe: the device hangs up, the set it watches
    /// only ever polls readable (never POLLHUP), and once the device is
    /// removed the set is quiet again.
    func testAHungUpDeviceMakesTheSetReadableNeverHungUp() throws {
        let set = try ReadinessSet(name: "test", kernel: SystemKernel.shared)
        var pipe = try Pipe()
        try set.add(pipe.read, token: 3)
        pipe.hangUp()
        XCTAssertEqual(Int32(pollEvents(pipe.read.rawValue)) & POLLHUP, POLLHUP, "the device itself hung up")
        let events = try ready(set)
        XCTAssertEqual(events.map(\.token), [3])
        XCTAssertEqual(events.first.map { $0.events & fp_EPOLLHUP }, fp_EPOLLHUP, "the set says why")
        XCTAssertEqual(pollEvents(set.fileDescriptor), Int16(POLLIN), "but the set's own descriptor only polls readable")
        set.remove(pipe.read)
        XCTAssertTrue(set.isEmpty)
        XCTAssertEqual(pollEvents(set.fileDescriptor), 0, "removed: nothing wakes the loop")
        set.remove(pipe.read)  // twice: nothing happens
    }

    /// A DispatchSource on the set survives its device going and another
    /// coming back under the same descriptor number, many times over: the
    /// source is created once, the devices come and go inside the set.
    func testADispatchSourceOnTheSetOutlivesDevicesThatComeAndGo() throws {
        let set = try ReadinessSet(name: "test", kernel: SystemKernel.shared)
        let queue = DispatchQueue(label: "test")
        let fired = DispatchSemaphore(value: 0)
        let source = DispatchSource.makeReadSource(fileDescriptor: set.fileDescriptor, queue: queue)
        source.setEventHandler { fired.signal() }
        let cancelled = DispatchSemaphore(value: 0)
        source.setCancelHandler { cancelled.signal() }
        source.resume()
        var numbers: Set<Int32> = []
        for _ in 0..<200 {
            var pipe = try Pipe()
            numbers.insert(pipe.read.rawValue)
            try queue.sync { try set.add(pipe.read) }
            pipe.hangUp()
            XCTAssertEqual(fired.wait(timeout: .now() + 5), .success, "the hang-up woke the source")
            queue.sync { set.remove(pipe.read) }
        }
        XCTAssertLessThan(numbers.count, 10, "descriptor numbers were reused: \(numbers.sorted())")
        source.cancel()
        XCTAssertEqual(cancelled.wait(timeout: .now() + 5), .success)
    }

    func testAddingAClosedDescriptorNamesTheCallAndTheDevice() throws {
        let set = try ReadinessSet(name: "test", kernel: SystemKernel.shared)
        let stale = OwnedFD(adopting: 987_654, path: "/dev/video42")
        XCTAssertThrowsError(try set.add(stale)) { error in
            let failure = error as? DeviceError
            XCTAssertEqual(failure?.call, "epoll_ctl(EPOLL_CTL_ADD)")
            XCTAssertEqual(failure?.device, "/dev/video42")
            XCTAssertEqual(failure?.errno, .badFileDescriptor)
        }
        _ = stale.take()
    }
}
