import Dispatch
import Foundation
import KMS
import Pipeline
import Platform
import TestSupport
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// A camera unplugged and plugged back in, over and over (issue 18: with
/// `--reconnect` framepipe crashed in libdispatch's epoll bookkeeping within
/// 30 cycles). Three shapes, `FRAMEPIPE_STRESS_CYCLES` (100) times each, on
/// one pipeline: vivid plugs the instance back in at once (the last
/// descriptor on it closes as framepipe lets go), another descriptor keeps
/// it unplugged for a while, and vivid is unloaded and loaded again while
/// framepipe waits. After every return new frames reach the screen; at the
/// end descriptors, mappings and kernel framebuffers are as before, the
/// pool saw no violation and the display is as found. Without reconnect,
/// every unplug ends the command-line run with the one line and exit 74.
/// A crash anywhere kills the test process, which scripts/lab reports.
/// Runs in the lab's 'unplug' boot (scripts/test).
final class ReconnectStressDeviceTests: XCTestCase {
    /// How many cycles of each shape.
    private static var cycles: Int { ReconnectStressRig.cycles }

    /// The file a user found the crash with (640x480 at 25 fps: at 320x180
    /// and 60 fps the old code survived 100 returns of the first shape).
    private func configuration(copy: Bool = false) throws -> PipelineConfiguration {
        var configuration = try PipelineConfiguration.load(path: repositoryRoot.appendingPathComponent("configs/vivid-vkms.json").path)
        configuration.reconnect = true
        if copy {
            configuration.source.format = FourCC("YUYV")
            configuration.copy = .allowed
        }
        return configuration
    }

    func testPluggedBackAtOnceOverAndOver() throws {
        try stress(.pluggedBackAtOnce)
    }

    func testHeldUnpluggedOverAndOver() throws {
        try stress(.heldUnplugged)
    }

    func testDriverReloadedOverAndOver() throws {
        try stress(.driverReloaded)
    }

    /// The copy path, unplugged twice (the second time held by another
    /// descriptor for a while, as a user found it once went unnoticed):
    /// both noticed, and its counters carry across the returns like the
    /// scheduler's (every frame shown is a converted one).
    func testCopyPathNoticesEveryUnplugAndCountsAcrossReturns() throws {
        try Lab.require(boot: "unplug", "a vivid that may be disconnected and reloaded")
        try ReconnectDeviceTests.reloadVivid()
        let summary = try ReconnectStressRig.run(configuration(copy: true), cycles: [(0, .pluggedBackAtOnce), (0, .heldUnplugged)])
        XCTAssertEqual(summary.statistics.cameraReconnects, 2)
        let copy = try XCTUnwrap(summary.copy, "a copy-path run")
        XCTAssertGreaterThanOrEqual(copy.converted, summary.statistics.shown, "every frame shown was converted: \(copy)")
        XCTAssertLessThanOrEqual(copy.converted, summary.statistics.captured, "only captured frames are converted: \(copy)")
    }

    private func stress(_ shape: ReconnectStressRig.Shape, file: StaticString = #filePath, line: UInt = #line) throws {
        try Lab.require(boot: "unplug", "a vivid that may be disconnected and reloaded")
        try ReconnectDeviceTests.reloadVivid()
        let started = DispatchTime.now()
        let summary = try ReconnectStressRig.run(configuration(), cycles: Array(repeating: (0, shape), count: Self.cycles), file: file, line: line)
        XCTAssertEqual(summary.statistics.cameraReconnects, Self.cycles, file: file, line: line)
        print("reconnect stress, \(shape): \(Self.cycles) cycles, \(summary.statistics.shown) frames shown in \(String(format: "%.1f", seconds(from: started, to: .now()))) s")
    }

    /// Without reconnect, from the command line: each unplug ends the run
    /// with the one line and exit 74, never a crash (a crash exits 128 + N).
    /// Every other run the injector keeps the camera unplugged a while
    /// after framepipe exits; the unplug comes 0 to 16 ms into the 60 fps
    /// frame period. 34 runs give each of the 17 offsets with and without
    /// the held injector once (2 and 17 are coprime); each run is a process
    /// launch of about 3.4 s in the lab, so 100 took 340 s of CI's 30
    /// minutes for combinations already seen (fewer with FRAMEPIPE_STRESS_CYCLES).
    func testWithoutReconnectEveryUnplugEndsTheRunWithOneLine() throws {
        try Lab.require(boot: "unplug", "a vivid that may be disconnected and reloaded")
        try ReconnectDeviceTests.reloadVivid()
        let screenBefore = try ScreenState.current()
        let expected = "framepipe: /dev/video4: the camera was unplugged while streaming (ENODEV, POLLERR|POLLHUP on its descriptor); reconnect it and start again\n"
        let started = DispatchTime.now()
        let runs = min(Self.cycles, 34)
        for run in 0..<runs {
            let child = try ChildProcess(Lab.framepipeExecutable.path, arguments: [
                "preview", "--config", repositoryRoot.appendingPathComponent("configs/vivid-mplane-vkms.json").path,
                "--size", "320x180", "--fps", "60", "--frames", "100000",
            ], environment: ProcessInfo.processInfo.environment)
            guard try waitUntil(timeout: 20, { try framebufferOnScreen(allocatedBy: "framepipe") }) else {
                child.send(SIGKILL)
                XCTFail("run \(run + 1): framepipe put no frame on screen: \(child.wait(timeout: 5)?.result.stderr ?? "")")
                break
            }
            usleep(useconds_t(1_000 * (run % 17)))
            var injector: FaultInjector? = try FaultInjector("/dev/video4")
            try injector?.press("disconnect")
            if run % 2 == 0 { injector = nil }
            let outcome = try XCTUnwrap(child.wait(timeout: 15), "run \(run + 1): framepipe did not exit")
            injector = nil
            XCTAssertEqual(outcome.result.status, 74, "run \(run + 1): \(outcome.result.stderr)")
            XCTAssertEqual(outcome.result.stderr, expected, "run \(run + 1)")
            XCTAssertEqual(outcome.result.stdout, "", "run \(run + 1): no summary after a failure")
            guard outcome.result.status == 74 else { break }
            // vivid plugs the instance back in once the last descriptor closed.
            XCTAssertTrue(waitUntil(timeout: 10) { (try? FaultInjector("/dev/video4")) != nil }, "run \(run + 1): /dev/video4 is back")
        }
        XCTAssertEqual(try ScreenState.current(), screenBefore)
        print("unplug stress without reconnect: \(runs) runs in \(String(format: "%.1f", seconds(from: started, to: .now()))) s")
    }
}
