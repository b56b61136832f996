import Dispatch
import Foundation
import Pipeline
import Platform
import TestSupport
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// vivid's `disconnect` while streaming. Pressing it unregisters every node
/// of that vivid instance until vivid is loaded again, so these tests run in
/// a lab boot of their own ('unplug' in scripts/test), each starting from a
/// freshly loaded vivid:
///
///     scripts/lab --env FRAMEPIPE_LAB_BOOT=unplug -- .build/debug/framepipePackageTests.xctest PipelineTests.UnplugDeviceTests
///
/// Each test unplugs a different instance (lab defaults `n_devs=2
/// multiplanar=1,2`): the library test /dev/video0 (single-planar, through
/// libv4l2), the command-line test /dev/video4 (multiplanar, plain ioctls).
/// In any other boot they fail (a skip would hide that they did not run).
final class UnplugDeviceTests: XCTestCase {
    static let filter = "PipelineTests.UnplugDeviceTests"

    /// Only in the 'unplug' boot (scripts/test), where vivid may be lost;
    /// vivid is loaded again first, whatever ran before.
    private func requireOwnBoot() throws {
        try Lab.require(boot: "unplug", "a vivid that may be disconnected and reloaded")
        try ReconnectDeviceTests.reloadVivid()
    }

    /// The run ends by the unplug (not by its 60 s watchdog) with the one
    /// line; how soon is printed as a figure, not asserted.
    func testUnplugWhileStreamingEndsTheRunAndLeavesNothingBehind() throws {
        try requireOwnBoot()
        let camera = "/dev/video0"
        let descriptorsBefore = try ProcessResources.descriptorCount()
        let screenBefore = try ScreenState.current()
        let outcome = try runInjecting(camera: camera, configuration: "vivid-vkms.json", frames: 100_000, watchdog: .seconds(60)) {
            try $0.press("disconnect")
        }
        XCTAssertNil(outcome.summary, "the run must fail, not reach its watchdog: \(String(describing: outcome.summary?.stopReason))")
        let error = try XCTUnwrap(outcome.error as? PipelineError, "\(String(describing: outcome.error))")
        XCTAssertEqual(error, .cameraUnplugged(device: camera))
        XCTAssertEqual(error.category, .deviceFailed)
        XCTAssertEqual(error.description,
                       "/dev/video0: the camera was unplugged while streaming (ENODEV, POLLERR|POLLHUP on its descriptor); reconnect it and start again")
        let elapsed = try XCTUnwrap(outcome.secondsToReturn)
        printFigure(String(format: "fault: unplug to the end of the run: %.3f s", elapsed))
        XCTAssertEqual(try ScreenState.current(), screenBefore, "the display shows what it showed before")
        XCTAssertEqual(try ProcessResources.descriptorCount(settlingAt: descriptorsBefore), descriptorsBefore,
                       "every fd closed: \(ProcessResources.descriptorTargets())")
    }

    func testUnplugFromTheCommandLineIsOneLineAndExit74() throws {
        try requireOwnBoot()
        let screenBefore = try ScreenState.current()
        let child = try ChildProcess(Lab.framepipeExecutable.path, arguments: [
            "preview", "--config", repositoryRoot.appendingPathComponent("configs/vivid-mplane-vkms.json").path,
            "--frames", "100000",
        ], environment: ProcessInfo.processInfo.environment)
        XCTAssertTrue(try waitUntilFlipping(besides: screenBefore), "framepipe streams: its frames flip on screen")
        try FaultInjector("/dev/video4").press("disconnect")
        let unplugged = DispatchTime.now()
        let outcome = try XCTUnwrap(child.wait(timeout: 60), "framepipe did not exit")
        XCTAssertEqual(outcome.result.status, 74, outcome.result.stderr)
        XCTAssertEqual(outcome.result.stderr,
                       "framepipe: /dev/video4: the camera was unplugged while streaming (ENODEV, POLLERR|POLLHUP on its descriptor); reconnect it and start again\n")
        XCTAssertEqual(outcome.result.stdout, "", "no summary after a failure")
        printFigure(String(format: "fault: unplug to framepipe's exit: %.3f s", seconds(from: unplugged, to: outcome.exitTime)))
        XCTAssertEqual(try ScreenState.current(), screenBefore)
    }

    func testUnplugDuringACopyRunIsTheSameOneLineAndLeavesNothingBehind() throws {
        try requireOwnBoot()
        let screenBefore = try ScreenState.current()
        let child = try ChildProcess(Lab.framepipeExecutable.path, arguments: [
            "preview", "--config", repositoryRoot.appendingPathComponent("configs/vivid-vkms.json").path,
            "--format", "YUYV", "--allow-copy", "--frames", "100000",
        ], environment: ProcessInfo.processInfo.environment)
        XCTAssertTrue(try waitUntilFlipping(besides: screenBefore), "framepipe streams: its converted frames flip on screen")
        try FaultInjector("/dev/video0").press("disconnect")
        let outcome = try XCTUnwrap(child.wait(timeout: 60), "framepipe did not exit")
        XCTAssertEqual(outcome.result.status, 74, outcome.result.stderr)
        XCTAssertEqual(outcome.result.stderr,
                       "framepipe: /dev/video0: the camera was unplugged while streaming (ENODEV, POLLERR|POLLHUP on its descriptor); reconnect it and start again\n")
        XCTAssertEqual(outcome.result.stdout, "", "no summary after a failure")
        XCTAssertEqual(try ScreenState.current(), screenBefore)
    }
}
