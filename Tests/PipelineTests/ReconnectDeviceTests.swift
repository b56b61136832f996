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

/// A camera unplugged and plugged back in with `reconnect` on: vivid's
/// `disconnect` (vivid 6.1 keeps the instance unplugged while any
/// descriptor on it is open, and plugs it back in, "vivid-000: reconnect",
/// when the last one closes), and for the library test vivid unloaded and
/// loaded again while framepipe waits. Each test starts from a vivid
/// unloaded and loaded again. Runs in the lab's 'unplug' boot (scripts/test).
final class ReconnectDeviceTests: XCTestCase {
    /// Unloads vivid and loads it again with this boot's options: every
    /// instance comes back, as cameras plugged in again. rmmod fails while
    /// any descriptor on vivid is open, so this also proves none is.
    static func reloadVivid(file: StaticString = #filePath, line: UInt = #line) throws {
        let environment = ProcessInfo.processInfo.environment
        let modprobe = try XCTUnwrap(environment["LAB_MODPROBE"], "scripts/lab sets LAB_MODPROBE").split(separator: " ").map(String.init)
        let options = (environment["LAB_VIVID_OPTIONS"] ?? "").split(separator: " ").map(String.init)
        if FileManager.default.fileExists(atPath: "/sys/module/vivid") {
            let unload = try spawnAndWait("/usr/bin/env", arguments: ["rmmod", "vivid"], environment: environment)
            XCTAssertEqual(unload.status, 0, "rmmod vivid: \(unload.stderr)", file: file, line: line)
        }
        let load = try spawnAndWait("/usr/bin/env", arguments: modprobe + ["vivid"] + options, environment: environment)
        XCTAssertEqual(load.status, 0, "modprobe vivid: \(load.stderr)", file: file, line: line)
        XCTAssertTrue(waitUntil(timeout: 10) { FileManager.default.fileExists(atPath: "/dev/video0") }, "vivid's nodes are back",
                      file: file, line: line)
    }

    private func configuration() throws -> PipelineConfiguration {
        var configuration = try PipelineConfiguration.load(path: repositoryRoot.appendingPathComponent("configs/vivid-vkms.json").path)
        configuration.reconnect = true
        return configuration
    }

    func testTheLastFrameStaysOnScreenUntilTheCameraIsBack() throws {
        try Lab.require(boot: "unplug", "a vivid that may be disconnected and reloaded")
        try Self.reloadVivid()
        let descriptorsBefore = try ProcessResources.descriptorCount()
        let screenBefore = try ScreenState.current()
        let framebuffersBefore = try ProcessResources.kernelFramebufferIDs()
        let summary = try runUnpluggedAndBack()
        XCTAssertEqual(summary.stopReason, .requested)
        XCTAssertEqual(summary.statistics.cameraReconnects, 1)
        XCTAssertGreaterThan(summary.statistics.secondsWithoutCamera, 0.9)
        XCTAssertEqual(summary.poolViolations, [])
        XCTAssertEqual(try ScreenState.current(), screenBefore, "the display as it was found")
        XCTAssertEqual(try ProcessResources.descriptorCount(settlingAt: descriptorsBefore), descriptorsBefore,
                       "every fd closed: \(ProcessResources.descriptorTargets())")
        XCTAssertEqual(try ProcessResources.frameMappings(), [], "no frame memory mapped")
        XCTAssertEqual(try ProcessResources.kernelFramebufferIDs(), framebuffersBefore, "the held framebuffer and every other one removed")
    }

    /// Streams, freezes, unplugs, checks the screen while waiting, plugs
    /// back in, checks the new frames, stops. The pipeline is gone when it
    /// returns.
    private func runUnpluggedAndBack() throws -> PipelineSummary {
        let session = try FramePipeline(configuration: try configuration())
        let away = DispatchSemaphore(value: 0)
        let back = DispatchSemaphore(value: 0)
        session.onCameraAway = { _, _ in away.signal() }
        session.onCameraBack = { _, _ in back.signal() }
        session.start()
        XCTAssertTrue(waitUntil(timeout: 15) { session.statistics[0].shown >= 10 }, "frames on screen")

        // Freeze, so that the frame on screen now is the one the unplug leaves.
        let before = try session.onQueue { () throws -> WritebackSnapshot in
            let shot = try session.snapshot()
            session.scheduler.isFrozen = true
            return shot.screen
        }
        // vivid keeps a disconnected instance unplugged while any descriptor
        // on it is open, and plugs it back in when the last one closes: the
        // injector's descriptor keeps the camera away as long as the test wants.
        var injector: FaultInjector? = try FaultInjector("/dev/video0")
        try injector?.press("disconnect")
        XCTAssertEqual(away.wait(timeout: .now() + 5), .success, "the pipeline noticed the camera went")
        // The frame that stays is settled: scheduling may go on (the camera
        // that comes back must put new frames on screen).
        session.onQueue { session.scheduler.isFrozen = false }
        // The fault's shape, not a synchronisation: the camera stays away
        // for a second, across several of the pipeline's searches for it
        // (four a second). secondsWithoutCamera > 0.9 below follows from
        // it: a slow machine only makes the time away longer.
        usleep(1_000_000)
        XCTAssertTrue(session.onQueue { session.isWaitingForCamera }, "still waiting: the camera is still unplugged")
        let waiting = try session.onQueue { try session.captureScreenNow() }
        XCTAssertEqual(waiting.bytes == before.bytes, true, "the last frame stays on screen while the camera is away")
        XCTAssertEqual(try ProcessResources.frameMappings(), [], "nothing mapped while waiting either")

        // Plugged back in as a new device: vivid unloaded and loaded again
        // (rmmod fails while any descriptor on vivid is open, so this also
        // proves the pipeline let go of all of them). The search waits
        // meanwhile: vivid would otherwise plug the old instance back in
        // as soon as the injector's descriptor closes.
        session.onQueue { session.cameraSearchPaused = true }
        injector = nil
        try Self.reloadVivid()
        XCTAssertTrue(session.onQueue { session.isWaitingForCamera }, "still waiting")
        session.onQueue { session.cameraSearchPaused = false }
        XCTAssertEqual(back.wait(timeout: .now() + 10), .success, "the camera was found again")
        let shownAtReturn = session.statistics[0].shown
        XCTAssertTrue(waitUntil(timeout: 15) { session.statistics[0].shown >= shownAtReturn + 10 }, "new frames after the return")
        // The screen shows the new camera's buffer, pixel for pixel.
        let comparison = try session.onQueue { try ScreenComparison.take(session) }
        comparison.assertExact(expectedPixels: 640 * 480)

        session.stop()
        let summary = try session.wait()
        return summary
    }

    func testFromTheCommandLineItSaysWhatItWaitsFor() throws {
        try Lab.require(boot: "unplug", "a vivid that may be disconnected and reloaded")
        try Self.reloadVivid()
        let screenBefore = try ScreenState.current()
        // The multiplanar instance (plain ioctls), found again by bus info.
        let child = try ChildProcess(Lab.framepipeExecutable.path, arguments: [
            "preview", "--config", repositoryRoot.appendingPathComponent("configs/vivid-mplane-vkms.json").path,
            "--reconnect", "--frames", "100000",
        ], environment: ProcessInfo.processInfo.environment)
        XCTAssertTrue(try waitUntilFlipping(besides: screenBefore), "framepipe streams: its frames flip on screen")
        // vivid keeps the instance unplugged while the injector's descriptor is open.
        var injector: FaultInjector? = try FaultInjector("/dev/video4")
        try injector?.press("disconnect")
        let waiting = "waiting for /dev/video4 (unplugged; its last frame stays on screen)\n"
        XCTAssertTrue(child.waitForOutput(waiting), "framepipe says what it waits for")
        let held = try programFramebuffersOnScreen(besides: screenBefore)
        XCTAssertEqual(held.count, 1, "the last frame is still on screen while unplugged: \(held)")
        injector = nil  // vivid plugs the instance back in
        XCTAssertTrue(child.waitForOutput("camera back at /dev/video4\n"), "framepipe found the camera again")
        XCTAssertTrue(try waitUntilFlipping(besides: screenBefore), "the camera's new frames flip on screen")
        XCTAssertEqual(try programFramebuffersOnScreen(besides: screenBefore).values.filter { held.values.contains($0) }, [],
                       "the held framebuffer was replaced")
        child.send(SIGINT)
        let outcome = try XCTUnwrap(child.wait(timeout: 60), "framepipe did not exit")
        XCTAssertEqual(outcome.result.status, 130, outcome.result.stderr)
        XCTAssertNil(outcome.result.terminatingSignal, "a clean stop")
        // Its own lines, between the pipeline's warnings (with a time stamp).
        let lines = outcome.result.stderr.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.filter { !$0.contains(" warning framepipe.pipeline: ") }.map { $0 + "\n" },
                       [waiting, "camera back at /dev/video4\n"], outcome.result.stderr)
        XCTAssertEqual(lines.compactMap { line in line.range(of: " warning framepipe.pipeline: ").map { String(line[$0.upperBound...]) } }, [
            "device=/dev/video4 [Pipeline] camera gone, waiting for it to come back", "device=/dev/video4 [Pipeline] camera back",
        ], outcome.result.stderr)
        XCTAssertTrue(outcome.result.stdout.contains("camera reconnected 1 times"), outcome.result.stdout)
        XCTAssertEqual(try ScreenState.current(), screenBefore)
    }
}
