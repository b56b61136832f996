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
        frames: Int, afterShown: Int = 5, watchdog: Duration? = nil,
        before: ((FaultInjector) throws -> Void)? = nil, inject: ((FaultInjector) throws -> Void)?
    ) throws -> FaultRun {
        try runInjecting(camera: Self.camera, configuration: "vivid-vkms.json", frames: frames,
                         afterShown: afterShown, watchdog: watchdog, before: before, inject: inject)
    }

    /// A fault that ends the stream: the run ends by it, with `expected`
    /// (not by the 60 s watchdog), the screen is what it was and every fd
    /// is closed. How soon it ended is printed as a figure: the README's
    /// "within a second" is measured by scripts, not asserted here.
    private func assertEndsCleanly(
        _ control: String, file: StaticString = #filePath, line: UInt = #line, expected: (PipelineError) -> Bool
    ) throws {
        let descriptorsBefore = try ProcessResources.descriptorCount()
        let screenBefore = try ScreenState.current()
        let outcome = try run(frames: 100_000, watchdog: .seconds(60)) { try $0.press(control) }
        XCTAssertNil(outcome.summary, "the run must fail, not reach its watchdog: \(String(describing: outcome.summary?.stopReason))",
                     file: file, line: line)
        let error = try XCTUnwrap(outcome.error as? PipelineError, "\(String(describing: outcome.error))", file: file, line: line)
        XCTAssertTrue(expected(error), "unexpected error: \(error)", file: file, line: line)
        XCTAssertEqual(error.category, .deviceFailed, file: file, line: line)
        XCTAssertTrue(error.description.hasPrefix("\(Self.camera): "), error.description, file: file, line: line)
        XCTAssertFalse(error.description.contains("\n"), "one line", file: file, line: line)
        let elapsed = try XCTUnwrap(outcome.secondsToReturn, file: file, line: line)
        printFigure(String(format: "fault: %@ to the end of the run: %.3f s", control, elapsed))
        XCTAssertEqual(try ScreenState.current(), screenBefore, "the display shows what it showed before", file: file, line: line)
        XCTAssertEqual(try ProcessResources.descriptorCount(settlingAt: descriptorsBefore), descriptorsBefore,
                       "every fd closed: \(ProcessResources.descriptorTargets())", file: file, line: line)
    }

    // MARK: Faults that end the stream

    func testFatalStreamingErrorEndsTheRunAndLeavesNothingBehind() throws {
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
        XCTAssertTrue(try waitUntilFlipping(besides: screenBefore), "framepipe streams: its frames flip on screen")
        try FaultInjector(Self.camera).press("inject_fatal_streaming_error")
        let injected = DispatchTime.now()
        let outcome = try XCTUnwrap(child.wait(timeout: 60), "framepipe did not exit")
        XCTAssertEqual(outcome.result.status, 74, outcome.result.stderr)
        let message = outcome.result.stderr.replacingOccurrences(of: "VIDIOC_QBUF", with: "VIDIOC_DQBUF")
        XCTAssertEqual(message,
                       "framepipe: /dev/video0: the camera stopped streaming with a fatal error (VIDIOC_DQBUF failed: EIO); restart it and start again\n")
        XCTAssertEqual(outcome.result.stdout, "", "no summary after a failure")
        printFigure(String(format: "fault: inject_fatal_streaming_error to framepipe's exit: %.3f s", seconds(from: injected, to: outcome.exitTime)))
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
        XCTAssertEqual(try ProcessResources.descriptorCount(settlingAt: descriptorsBefore), descriptorsBefore,
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
        XCTAssertEqual(try ProcessResources.descriptorCount(settlingAt: descriptorsBefore), descriptorsBefore)
    }

    func testDroppedBuffersShowAsSequenceGapsAndTheRunReachesItsFrameCount() throws {
        try Lab.require()
        // Injected once a status report has seen 5 frames shown (about half
        // a second in): 60 frames leave dozens after the injection whatever
        // the moment, so the count below does not depend on timing.
        let outcome = try run(frames: 60) { try $0.set("percentage_of_dropped_buffers", to: 50) }
        let summary = try XCTUnwrap(outcome.summary, "\(String(describing: outcome.error))")
        let s = summary.statistics
        XCTAssertEqual(summary.stopReason, .frameCount)
        XCTAssertGreaterThanOrEqual(s.shown, 60)
        let sequences = outcome.log.dequeuedSequences
        let gaps = zip(sequences, sequences.dropFirst()).reduce(0) { $0 + Int($1.1 - $1.0 - 1) }
        XCTAssertEqual(s.cameraDropped, gaps, "cameraDropped counts the sequence gaps")
        // Half of the frames after the first few are dropped: far more than
        // the odd frame a busy guest misses.
        XCTAssertGreaterThanOrEqual(s.cameraDropped, 10, "captured \(s.captured), dropped \(s.cameraDropped)")
        XCTAssertEqual(summary.poolViolations, [])
    }

    // MARK: Signals

    /// Two SIGINTs back to back (as timeout(1) sends one to the process
    /// and one to its group): the second counts as a duplicate of the
    /// first and the run stops cleanly: framepipe exits with 130 after
    /// its summary. Had the second counted as a second Ctrl-C, SIGINT
    /// would have killed it (also status 130, but no summary, and killed
    /// by the signal, which the test tells apart).
    func testTwoQuickSIGINTsStopTheCommandCleanlyWith130() throws {
        try Lab.require()
        let screenBefore = try ScreenState.current()
        let child = try ChildProcess(Lab.framepipeExecutable.path, arguments: [
            "preview", "--config", repositoryRoot.appendingPathComponent("configs/vivid-vkms.json").path, "--frames", "100000",
        ], environment: ProcessInfo.processInfo.environment)
        XCTAssertTrue(try waitUntilFlipping(besides: screenBefore), "framepipe streams: its frames flip on screen")
        child.send(SIGINT)
        child.send(SIGINT)
        let outcome = try XCTUnwrap(child.wait(timeout: 60), "framepipe did not exit")
        XCTAssertEqual(outcome.result.status, 130, outcome.result.stderr)
        XCTAssertNil(outcome.result.terminatingSignal, "exited after a clean stop, not killed by the second SIGINT")
        XCTAssertTrue(outcome.result.stdout.contains("stopped: SIGINT"), outcome.result.stdout)
        XCTAssertEqual(outcome.result.stderr, "")
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
        XCTAssertTrue(try waitUntilFlipping(besides: screenBefore), "the first framepipe streams: its frames flip on screen")
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
        let outcome = try XCTUnwrap(first.wait(timeout: 60), "the first framepipe did not exit")
        XCTAssertEqual(outcome.result.status, 130, outcome.result.stderr)
        XCTAssertNil(outcome.result.terminatingSignal, "a clean stop")
        XCTAssertEqual(try ScreenState.current(), screenBefore)
    }

    /// Starts the `FaultSignalChild` program (Tests/FaultSignalChild, built
    /// beside framepipe) hanging at `hang`, and returns it with a check for
    /// its marker files.
    private func startSignalChild(hang: String) throws -> (ChildProcess, (String) -> Bool) {
        let markers = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("signal-child-\(getpid())-\(hang)").path
        let program = Lab.framepipeExecutable.deletingLastPathComponent().appendingPathComponent("FaultSignalChild").path
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: program), "built beside framepipe: \(program)")
        let config = repositoryRoot.appendingPathComponent("configs/vivid-vkms.json").path
        let child = try ChildProcess(program, arguments: [config, markers, hang], environment: ProcessInfo.processInfo.environment)
        return (child, { FileManager.default.fileExists(atPath: markers + $0) })
    }

    /// Sends the second SIGINT once the first has asked the pipeline to
    /// stop (the child's `.stop` marker) and 300 ms have passed since that
    /// was seen: a signal within 200 ms of the first counts as the same
    /// request (README), so this wait is the rule under test, not a guess
    /// at how long something takes.
    private func sendSecondSIGINT(to child: ChildProcess, _ exists: (String) -> Bool) {
        XCTAssertTrue(waitUntil(timeout: 60) { exists(".stop") }, "the first SIGINT asked the pipeline to stop")
        usleep(300_000)
        child.send(SIGINT)
    }

    /// The second SIGINT ends the process even when teardown hangs: the
    /// child stalls in `beforeTeardown` for 30 s.
    func testSecondSIGINTEndsAStuckTeardown() throws {
        try Lab.require()
        let (child, exists) = try startSignalChild(hang: "teardown")
        XCTAssertTrue(waitUntil(timeout: 60) { exists(".streaming") }, "the child streams")
        child.send(SIGINT)
        XCTAssertTrue(waitUntil(timeout: 60) { exists(".teardown") }, "the first SIGINT started teardown")
        sendSecondSIGINT(to: child, exists)
        // A watchdog past the 30 s stall: had the child outlived it, it
        // would have exited 0 and left `.survived`.
        let outcome = try XCTUnwrap(child.wait(timeout: 90), "the child neither died nor exited")
        XCTAssertEqual(outcome.result.terminatingSignal, SIGINT, "killed by the second SIGINT\n\(outcome.result.stdout)\n\(outcome.result.stderr)")
        XCTAssertEqual(outcome.result.status, 130)
        XCTAssertFalse(exists(".survived"))
    }

    /// The same while the pipeline queue itself is stuck (the child's
    /// status callback sleeps 30 s): the signal handler does not need the
    /// queue, so the first SIGINT already restores the default action.
    func testSecondSIGINTEndsARunWhosePipelineQueueIsStuck() throws {
        try Lab.require()
        let (child, exists) = try startSignalChild(hang: "streaming")
        // The marker is written on the pipeline queue just before it stalls.
        XCTAssertTrue(waitUntil(timeout: 60) { exists(".streaming") }, "the child streams")
        child.send(SIGINT)
        sendSecondSIGINT(to: child, exists)
        let outcome = try XCTUnwrap(child.wait(timeout: 90), "the child neither died nor exited")
        XCTAssertEqual(outcome.result.terminatingSignal, SIGINT, "killed by the second SIGINT\n\(outcome.result.stdout)\n\(outcome.result.stderr)")
        XCTAssertEqual(outcome.result.status, 130)
        XCTAssertFalse(exists(".teardown"), "killed before teardown: the queue was still stuck")
        XCTAssertFalse(exists(".survived"))
    }
}
