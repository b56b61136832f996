import Foundation
import TestSupport
import XCTest

/// Both event loops on the devices (the default boot), and the waiter
/// thread's real-time priority: granted to root, at most RLIMIT_RTPRIO
/// without CAP_SYS_NICE, refused in one warning line with neither while
/// the run goes on. (The reconnect stress runs both loops in the 'unplug'
/// boot; the rest of the device tests run the default loop.)
final class EventLoopDeviceTests: XCTestCase {
    private let file = repositoryRoot.appendingPathComponent("configs/vivid-vkms.json").path

    func testEachLoopShowsFramesAndSaysWhichItIs() throws {
        try Lab.require()
        for (flags, loop) in [([String](), "thread"), (["--event-loop", "thread"], "thread"), (["--event-loop", "dispatch"], "dispatch")] {
            let result = try runFramepipe(["preview", "--config", file, "--frames", "30"] + flags)
            XCTAssertEqual(result.status, 0, "\(flags): \(result.stderr)")
            XCTAssertTrue(result.stdout.contains("30 frames shown in"), "\(flags): \(result.stdout)")
            XCTAssertTrue(result.stdout.hasSuffix("event loop: \(loop)\n"), "\(flags): \(result.stdout)")
            XCTAssertEqual(result.stderr, "", "\(flags)")
        }
    }

    /// Two cameras on one screen through Dispatch read sources, each
    /// reaching its frame count (the thread loop's run is CompositeDeviceTests').
    func testTwoCamerasOnTheDispatchLoop() throws {
        try Lab.require()
        let result = try runFramepipe([
            "preview", "--config", repositoryRoot.appendingPathComponent("configs/vivid-two-grid.json").path, "--frames", "30",
            "--event-loop", "dispatch",
        ])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout.components(separatedBy: "30 frames shown in").count - 1, 2, result.stdout)
        XCTAssertTrue(result.stdout.hasSuffix("event loop: dispatch\n"), result.stdout)
    }

    func testRealtimeIsGrantedToRootAndLimitedOrRefusedOtherwise() throws {
        try Lab.require()
        let root = try runFramepipe(["preview", "--config", file, "--frames", "20", "--realtime"])
        XCTAssertEqual(root.status, 0, root.stderr)
        XCTAssertTrue(root.stdout.hasSuffix("event loop: thread, SCHED_FIFO 10\n"), root.stdout)
        XCTAssertEqual(root.stderr, "", "granted: nothing to say")

        // Without CAP_SYS_NICE, as an unprivileged user would be.
        func withoutNice(rtprio: Int) throws -> CommandResult {
            try spawnAndWait("/usr/bin/prlimit", arguments: [
                "--rtprio=\(rtprio):\(rtprio)", "/usr/bin/setpriv", "--inh-caps=-sys_nice", "--bounding-set=-sys_nice",
                Lab.framepipeExecutable.path, "preview", "--config", file, "--frames", "20", "--realtime",
            ], environment: ProcessInfo.processInfo.environment)
        }
        let limited = try withoutNice(rtprio: 5)
        XCTAssertEqual(limited.status, 0, limited.stderr)
        XCTAssertTrue(limited.stdout.hasSuffix("event loop: thread, SCHED_FIFO 5\n"), "the limit's priority: \(limited.stdout)")
        XCTAssertEqual(limited.stderr, "")

        let refused = try withoutNice(rtprio: 0)
        XCTAssertEqual(refused.status, 0, "the run goes on: \(refused.stderr)")
        XCTAssertTrue(refused.stdout.contains("20 frames shown in"), refused.stdout)
        let why = "SCHED_FIFO priority 10 refused (EPERM; RLIMIT_RTPRIO 0, no CAP_SYS_NICE)"
        XCTAssertTrue(refused.stdout.hasSuffix("event loop: thread, normal priority (\(why))\n"), refused.stdout)
        let lines = refused.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, refused.stderr)
        XCTAssertTrue(lines.first?.hasSuffix("\(why): the waiter thread runs at normal priority") == true, refused.stderr)
    }
}
