import Dispatch
import Foundation
import KMS
import Pipeline
import Platform
import TestSupport
import V4L2
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// vivid's fault-injection controls while the pipeline streams vivid →
/// vkms (lab defaults: /dev/video0 single-planar, /dev/video4
/// multiplanar). The controls are pressed through a second descriptor on
/// the same node once a few frames are on screen. `disconnect` leaves
/// vivid unusable for the rest of the boot: it is tested in
/// ``UnplugDeviceTests``, in a boot of its own.
final class FaultDeviceTests: XCTestCase {
    static let camera = "/dev/video0"

    override func tearDownWithError() throws {
        guard Lab.isInside else { return }
        // Controls outlive descriptors: leave vivid as the next test expects it.
        try FaultInjector(Self.camera).set("percentage_of_dropped_buffers", to: 0)
    }

    private func run(
        frames: Int, afterShown: Int = 5,
        before: ((FaultInjector) throws -> Void)? = nil, inject: ((FaultInjector) throws -> Void)?
    ) throws -> FaultRun {
        try runInjecting(camera: Self.camera, configuration: "vivid-vkms.json", frames: frames,
                         afterShown: afterShown, before: before, inject: inject)
    }

    /// A fault that ends the stream: the run ends within a second of it
    /// with `expected`, the screen is what it was and every fd is closed.
    private func assertEndsCleanly(
        _ control: String, file: StaticString = #filePath, line: UInt = #line, expected: (PipelineError) -> Bool
    ) throws {
        let descriptorsBefore = try ProcessResources.descriptorCount()
        let screenBefore = try ScreenState.current()
        let outcome = try run(frames: 100_000) { try $0.press(control) }
        XCTAssertNil(outcome.summary, "the run must fail", file: file, line: line)
        let error = try XCTUnwrap(outcome.error as? PipelineError, "\(String(describing: outcome.error))", file: file, line: line)
        XCTAssertTrue(expected(error), "unexpected error: \(error)", file: file, line: line)
        XCTAssertEqual(error.category, .deviceFailed, file: file, line: line)
        XCTAssertTrue(error.description.hasPrefix("\(Self.camera): "), error.description, file: file, line: line)
        XCTAssertFalse(error.description.contains("\n"), "one line", file: file, line: line)
        let elapsed = try XCTUnwrap(outcome.secondsToReturn, file: file, line: line)
        XCTAssertLessThan(elapsed, 1.0, "the run ended \(elapsed) s after \(control)", file: file, line: line)
        XCTAssertEqual(try ScreenState.current(), screenBefore, "the display shows what it showed before", file: file, line: line)
        XCTAssertEqual(try ProcessResources.descriptorCount(), descriptorsBefore,
                       "every fd closed: \(ProcessResources.descriptorTargets())", file: file, line: line)
    }

    // MARK: Faults that end the stream

    func testFatalStreamingErrorEndsTheRunWithinOneSecondAndLeavesNothingBehind() throws {
        try Lab.require()
        // Whichever comes first after the error, DQBUF or QBUF, fails with EIO.
        try assertEndsCleanly("inject_fatal_streaming_error") { error in
            error == .cameraFailed(device: Self.camera, cause: "VIDIOC_DQBUF failed: EIO")
                || error == .cameraFailed(device: Self.camera, cause: "VIDIOC_QBUF failed: EIO")
        }
        // STREAMOFF cleared the driver's error: the camera streams again.
        let after = try run(frames: 10, inject: nil)
        XCTAssertEqual(after.summary?.stopReason, .frameCount, "\(String(describing: after.error))")
    }

    func testFatalStreamingErrorFromTheCommandLine() throws {
        try Lab.require()
        let screenBefore = try ScreenState.current()
        let child = try ChildProcess(Lab.framepipeExecutable.path, arguments: [
            "preview", "--config", repositoryRoot.appendingPathComponent("configs/vivid-vkms.json").path, "--frames", "100000",
        ], environment: ProcessInfo.processInfo.environment)
        XCTAssertTrue(try waitUntil(timeout: 20) { try framebufferOnScreen(allocatedBy: "framepipe") },
                      "framepipe put a frame on screen")
        usleep(300_000)
        try FaultInjector(Self.camera).press("inject_fatal_streaming_error")
        let injected = DispatchTime.now()
        let outcome = try XCTUnwrap(child.wait(timeout: 10), "framepipe did not exit")
        XCTAssertEqual(outcome.result.status, 74, outcome.result.stderr)
        let message = outcome.result.stderr.replacingOccurrences(of: "VIDIOC_QBUF", with: "VIDIOC_DQBUF")
        XCTAssertEqual(message,
                       "framepipe: /dev/video0: the camera stopped streaming with a fatal error (VIDIOC_DQBUF failed: EIO); restart it and start again\n")
        XCTAssertLessThan(seconds(from: injected, to: outcome.exitTime), 1.0)
        XCTAssertEqual(try ScreenState.current(), screenBefore)
    }

    func testStreamOnErrorIsOneLineNamingTheCallAndLeavesTheDisplayAlone() throws {
        try Lab.require()
        let descriptorsBefore = try ProcessResources.descriptorCount()
        let screenBefore = try ScreenState.current()
        let outcome = try run(frames: 10, before: { try $0.press("inject_vidioc_streamon_error") }, inject: nil)
        let error = try XCTUnwrap(outcome.error as? DeviceError, "\(String(describing: outcome.error))")
        XCTAssertEqual(error.call, "VIDIOC_STREAMON")
        XCTAssertEqual(error.device, Self.camera)
        XCTAssertEqual(error.description, "/dev/video0: VIDIOC_STREAMON failed: Invalid argument (EINVAL)")
        XCTAssertEqual(error.category, .deviceFailed)
        XCTAssertTrue(outcome.log.events.isEmpty, "no frame was captured")
        XCTAssertEqual(try ScreenState.current(), screenBefore, "nothing was ever shown")
        XCTAssertEqual(try ProcessResources.descriptorCount(), descriptorsBefore,
                       "every fd closed: \(ProcessResources.descriptorTargets())")
        // The failed start left the camera reusable.
        let after = try run(frames: 10, inject: nil)
        XCTAssertEqual(after.summary?.stopReason, .frameCount, "\(String(describing: after.error))")
    }

    func testStreamOnErrorFromTheCommandLineExits74() throws {
        try Lab.require()
        let screenBefore = try ScreenState.current()
        // Buttons in `source.controls` are pressed while the camera is set
        // up, i.e. before STREAMON.
        let config = try writeConfiguration("vivid-vkms.json", as: "streamon-error", controls: ["inject_vidioc_streamon_error": 1])
        let result = try runFramepipe(["preview", "--config", config, "--frames", "10"])
        XCTAssertEqual(result.status, 74, result.stderr)
        XCTAssertEqual(result.stderr, "framepipe: /dev/video0: VIDIOC_STREAMON failed: Invalid argument (EINVAL)\n")
        XCTAssertEqual(result.stdout, "")
        XCTAssertEqual(try ScreenState.current(), screenBefore)
    }

    // MARK: Faults the run survives

    func testErroredBuffersAreCountedAndNeverShown() throws {
        try Lab.require()
        let outcome = try run(frames: 40) { try $0.press("inject_v4l2_buf_flag_error") }
        let summary = try XCTUnwrap(outcome.summary, "\(String(describing: outcome.error))")
        let s = summary.statistics
        XCTAssertEqual(summary.stopReason, .frameCount)
        XCTAssertGreaterThanOrEqual(s.shown, 40)
        XCTAssertEqual(s.cameraErrors, 1, "vivid flags exactly one buffer")
        let errored = outcome.log.errorSequences
        XCTAssertEqual(errored.count, 1)
        XCTAssertTrue(errored.isDisjoint(with: outcome.log.committedSequences), "an errored frame was committed")
        XCTAssertTrue(errored.isDisjoint(with: outcome.log.shownSequences), "an errored frame was shown")
        XCTAssertEqual(summary.poolViolations, [])
        let unaccounted = s.captured - s.shown - s.superseded - s.droppedToCatchUp - s.cameraErrors
        XCTAssertTrue((0...summary.bufferCount).contains(unaccounted), "unaccounted frames: \(unaccounted)")
    }

    /// A QBUF the driver refuses once is asked again and the run goes on;
    /// the unit tests (FaultSchedulerTests) cover a second refusal.
    func testRefusedQueueBufferIsRetriedAndTheRunContinues() throws {
        try Lab.require()
        let descriptorsBefore = try ProcessResources.descriptorCount()
        let outcome = try run(frames: 40) { try $0.press("inject_vidioc_qbuf_error") }
        let summary = try XCTUnwrap(outcome.summary, "\(String(describing: outcome.error))")
        XCTAssertEqual(summary.stopReason, .frameCount)
        XCTAssertGreaterThanOrEqual(summary.statistics.shown, 40)
        XCTAssertEqual(summary.statistics.cameraQueueRetries, 1, "one refused QBUF, retried")
        XCTAssertEqual(summary.poolViolations, [])
        XCTAssertEqual(try ProcessResources.descriptorCount(), descriptorsBefore)
    }

    func testDroppedBuffersShowAsSequenceGapsAndTheRunReachesItsFrameCount() throws {
        try Lab.require()
        let outcome = try run(frames: 30) { try $0.set("percentage_of_dropped_buffers", to: 50) }
        let summary = try XCTUnwrap(outcome.summary, "\(String(describing: outcome.error))")
        let s = summary.statistics
        XCTAssertEqual(summary.stopReason, .frameCount)
        XCTAssertGreaterThanOrEqual(s.shown, 30)
        let sequences = outcome.log.dequeuedSequences
        let gaps = zip(sequences, sequences.dropFirst()).reduce(0) { $0 + Int($1.1 - $1.0 - 1) }
        XCTAssertEqual(s.cameraDropped, gaps, "cameraDropped counts the sequence gaps")
        // Half of the frames after the first few are dropped: far more than
        // the odd frame a busy guest misses.
        XCTAssertGreaterThanOrEqual(s.cameraDropped, 10, "captured \(s.captured), dropped \(s.cameraDropped)")
        XCTAssertEqual(summary.poolViolations, [])
    }

    // MARK: Signals

    /// Two SIGINTs in quick succession (5 ms apart, as timeout(1) sends one
    /// to the process and one to its group): the second counts as a
    /// duplicate of the first and the run stops cleanly; had it come later
    /// it would have ended the process by SIGINT. The status is 130 either way.
    func testTwoQuickSIGINTsEndTheCommandWith130() throws {
        try Lab.require()
        let screenBefore = try ScreenState.current()
        let child = try ChildProcess(Lab.framepipeExecutable.path, arguments: [
            "preview", "--config", repositoryRoot.appendingPathComponent("configs/vivid-vkms.json").path, "--frames", "100000",
        ], environment: ProcessInfo.processInfo.environment)
        XCTAssertTrue(try waitUntil(timeout: 20) { try framebufferOnScreen(allocatedBy: "framepipe") },
                      "framepipe put a frame on screen")
        child.send(SIGINT)
        usleep(5_000)
        child.send(SIGINT)
        let sent = DispatchTime.now()
        let outcome = try XCTUnwrap(child.wait(timeout: 10), "framepipe did not exit")
        XCTAssertEqual(outcome.result.status, 130, outcome.result.stderr)
        XCTAssertLessThan(seconds(from: sent, to: outcome.exitTime), 2.0)
        // Killed mid-teardown or not, the console is back: the kernel
        // restores fbdev when the last DRM descriptor closes.
        XCTAssertEqual(try ScreenState.current(), screenBefore)
    }

    /// The display is held by another master (a first framepipe): the second
    /// gets one line naming the card, exit 69, and changes nothing on screen;
    /// the first keeps running and still stops cleanly.
    func testDisplayHeldByAnotherFramepipeIsAClearError() throws {
        try Lab.require()
        let screenBefore = try ScreenState.current()
        let config = repositoryRoot.appendingPathComponent("configs/vivid-vkms.json").path
        let first = try ChildProcess(Lab.framepipeExecutable.path, arguments: [
            "preview", "--config", config, "--frames", "100000",
        ], environment: ProcessInfo.processInfo.environment)
        XCTAssertTrue(try waitUntil(timeout: 20) { try framebufferOnScreen(allocatedBy: "framepipe") },
                      "the first framepipe put a frame on screen")
        let screenWhileFirstRuns = try ScreenState.current()
        // The second uses the other vivid instance, so only the display is contended.
        let second = try runFramepipe(["preview", "--config", config, "--device", "/dev/video4", "--frames", "5"])
        XCTAssertEqual(second.status, 69, second.stderr)
        XCTAssertTrue(second.stderr.hasPrefix("framepipe: "), second.stderr)
        XCTAssertTrue(second.stderr.contains("/dev/dri/card0"), second.stderr)
        XCTAssertTrue(second.stderr.contains("DRM master"), second.stderr)
        XCTAssertEqual(second.stderr.filter { $0 == "\n" }.count, 1)
        XCTAssertEqual(try ScreenState.current(), screenWhileFirstRuns, "no partial modeset by the second")
        first.send(SIGINT)
        let outcome = try XCTUnwrap(first.wait(timeout: 10), "the first framepipe did not exit")
        XCTAssertEqual(outcome.result.status, 130, outcome.result.stderr)
        XCTAssertEqual(try ScreenState.current(), screenBefore)
    }

    /// Starts ``FaultSignalChild`` hanging at `hang` and returns it with a
    /// check for its marker files.
    private func startSignalChild(hang: String) throws -> (ChildProcess, (String) -> Bool) {
        let markers = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("signal-child-\(getpid())-\(hang)").path
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
        var environment = ProcessInfo.processInfo.environment
        environment[FaultSignalChild.markerVariable] = markers
        environment[FaultSignalChild.hangVariable] = hang
        let child = try ChildProcess(bundle, arguments: ["PipelineTests.FaultSignalChild"], environment: environment)
        return (child, { FileManager.default.fileExists(atPath: markers + $0) })
    }

    /// The second SIGINT ends the process even when teardown hangs: the
    /// child stalls in `beforeTeardown` for 30 s.
    func testSecondSIGINTEndsAStuckTeardown() throws {
        try Lab.require()
        let (child, exists) = try startSignalChild(hang: "teardown")
        XCTAssertTrue(waitUntil(timeout: 30) { exists(".streaming") }, "the child streams")
        let first = DispatchTime.now()
        child.send(SIGINT)
        XCTAssertTrue(waitUntil(timeout: 5) { exists(".teardown") }, "the first SIGINT started teardown")
        // Signals within 200 ms of the first count as duplicates of it.
        while seconds(from: first, to: .now()) < 0.3 { usleep(10_000) }
        let second = DispatchTime.now()
        child.send(SIGINT)
        let outcome = try XCTUnwrap(child.wait(timeout: 15), "the child outlived its 30 s stall by far")
        XCTAssertEqual(outcome.result.status, 130, "killed by the second SIGINT\n\(outcome.result.stdout)\n\(outcome.result.stderr)")
        XCTAssertLessThan(seconds(from: second, to: outcome.exitTime), 2.0)
        XCTAssertFalse(exists(".survived"))
    }

    /// The same while the pipeline queue itself is stuck (the child's
    /// status callback sleeps 30 s): the signal handler does not need the
    /// queue, so the first SIGINT already restores the default action.
    func testSecondSIGINTEndsARunWhosePipelineQueueIsStuck() throws {
        try Lab.require()
        let (child, exists) = try startSignalChild(hang: "streaming")
        XCTAssertTrue(waitUntil(timeout: 30) { exists(".streaming") }, "the child streams")
        usleep(200_000)
        child.send(SIGINT)
        usleep(300_000)
        let second = DispatchTime.now()
        child.send(SIGINT)
        let outcome = try XCTUnwrap(child.wait(timeout: 15), "the child outlived its 30 s stall by far")
        XCTAssertEqual(outcome.result.status, 130, "killed by the second SIGINT\n\(outcome.result.stdout)\n\(outcome.result.stderr)")
        XCTAssertLessThan(seconds(from: second, to: outcome.exitTime), 2.0)
        XCTAssertFalse(exists(".teardown"), "killed before teardown: the queue was still stuck")
        XCTAssertFalse(exists(".survived"))
    }
}
