import Foundation
import KMS
import Pipeline
import Platform
import Reporting
import TestSupport
import XCTest

/// vivid → vkms in the lab (vivid `n_devs=2 multiplanar=1,2`, vkms
/// `enable_overlay=1`): /dev/video0 is single-planar, /dev/video4 multiplanar.
final class PreviewDeviceTests: XCTestCase {
    private func config(_ name: String, frames: Int? = nil) throws -> PipelineConfiguration {
        var config = try PipelineConfiguration.load(path: repositoryRoot.appendingPathComponent("configs/\(name)").path)
        if let frames { config.frames = frames }
        return config
    }

    func testVividToVkmsShowsEveryCommitAndLeavesNothingBehind() throws {
        try Lab.require()
        let descriptorsBefore = try ProcessResources.descriptorCount()
        let screenBefore = try ScreenState.current()
        var mappingsDuringStreaming: [String]?
        var flipsPending = 0
        var records: [FrameRecord] = []
        var statisticsWhileStreaming: [PipelineStatistics] = []
        let summary: PipelineSummary
        do {
            let session = try FramePipeline(configuration: try config("vivid-vkms.json", frames: 120))
            session.onStatus = { [unowned session] _, _ in
                if mappingsDuringStreaming == nil { mappingsDuringStreaming = try? ProcessResources.frameMappings() }
                statisticsWhileStreaming.append(session.statistics[0])
            }
            session.onFrame = { records.append($0) }
            summary = try session.run(frames: 120, beforeTeardown: { session in
                if mappingsDuringStreaming == nil { mappingsDuringStreaming = try ProcessResources.frameMappings() }
                flipsPending = session.scheduler.isFlipPending ? 1 : 0
            })
        }
        let s = summary.statistics
        XCTAssertGreaterThanOrEqual(s.shown, 100)
        XCTAssertEqual(s.flips, s.shown)
        XCTAssertEqual(s.commits, s.flips + flipsPending, "every commit got its flip event")
        XCTAssertEqual(summary.poolViolations, [], "no buffer was requeued while on screen")
        XCTAssertEqual(summary.framebuffersFromCaptureBuffers, summary.bufferCount)
        XCTAssertEqual(summary.format, "XRGB8888 (V4L2 'XR24', DRM 'XR24')")
        XCTAssertEqual(summary.stopReason, .frameCount)
        XCTAssertTrue(summary.atomic)
        // Every captured frame was shown, superseded, errored, or is one of
        // the few still in flight when the run stopped.
        let unaccounted = s.captured - s.shown - s.superseded - s.droppedToCatchUp - s.cameraErrors
        XCTAssertTrue((0...summary.bufferCount).contains(unaccounted), "unaccounted frames: \(unaccounted)")
        // The per-frame records agree with the counters, counted elsewhere.
        XCTAssertEqual(records.filter { $0.outcome == .shown }.count, s.shown)
        XCTAssertEqual(records.filter { $0.outcome == .superseded }.count, s.superseded)
        XCTAssertEqual(records.filter { $0.outcome == .inFlight }.count, unaccounted, "in flight at the end: reported as such")
        XCTAssertEqual(records.filter(\.isModesetFrame).count, 1, "one frame rode on the modeset")
        XCTAssertEqual(summary.latency.count, records.filter(\.countsTowardLatency).count)
        XCTAssertGreaterThan(summary.latency.p50, .zero)
        XCTAssertFalse(statisticsWhileStreaming.isEmpty)
        XCTAssertTrue(zip(statisticsWhileStreaming, statisticsWhileStreaming.dropFirst()).allSatisfy { $0.shown <= $1.shown },
                      "the live counters only grow")
        XCTAssertEqual(try XCTUnwrap(mappingsDuringStreaming), [], "zero-copy: no frame memory mapped while streaming")

        let screenAfter = try ScreenState.current()
        XCTAssertEqual(screenAfter.framebuffer, screenBefore.framebuffer, "the CRTC shows what it showed before")
        XCTAssertEqual(screenAfter.mode, screenBefore.mode)
        XCTAssertEqual(try ProcessResources.descriptorCount(settlingAt: descriptorsBefore), descriptorsBefore, "every fd closed")
    }

    /// An embedder's thread reads the live counters while the pipeline
    /// runs, and stops it; the run ends at once with `.requested`.
    func testStatisticsAndStopFromAnotherThread() throws {
        try Lab.require()
        let pipeline = try FramePipeline(configuration: try config("vivid-vkms.json"))
        pipeline.start()
        var readings: [PipelineStatistics] = []
        let deadline = monotonicNanoseconds() + 20_000_000_000
        while pipeline.statistics[0].shown < 10, monotonicNanoseconds() < deadline {
            readings.append(pipeline.statistics[0])
            usleep(20_000)
        }
        pipeline.stop()
        let summary = try pipeline.wait()
        XCTAssertEqual(summary.stopReason, .requested)
        XCTAssertGreaterThanOrEqual(summary.statistics.shown, 10)
        XCTAssertGreaterThan(readings.count, 1, "read while streaming")
        XCTAssertTrue(zip(readings, readings.dropFirst()).allSatisfy { $0.captured <= $1.captured && $0.shown <= $1.shown },
                      "the live counters only grow")
        XCTAssertEqual(pipeline.statistics, [summary.statistics], "after the run the counters are the summary's")
        XCTAssertEqual(summary.poolViolations, [])
    }

    func testMultiplanarNode() throws {
        try Lab.require()
        let session = try FramePipeline(configuration: try config("vivid-mplane-vkms.json"))
        XCTAssertEqual(session.captureFormat.bufferType, .multiplanar)
        let summary = try session.run(frames: 30)
        XCTAssertGreaterThanOrEqual(summary.statistics.shown, 30)
        XCTAssertEqual(summary.poolViolations, [])
        XCTAssertNotNil(summary.plane, "a plane showed the frames")
    }

    func testLegacyKMSFallback() throws {
        try Lab.require()
        var configuration = try config("vivid-vkms.json")
        configuration.sink.legacy = true
        let summary = try FramePipeline(configuration: configuration).run(frames: 20)
        XCTAssertFalse(summary.atomic)
        XCTAssertGreaterThanOrEqual(summary.statistics.shown, 20)
        XCTAssertEqual(summary.poolViolations, [])
    }

    /// The screen, read back through vkms's writeback connector, holds
    /// exactly the pixels of the capture buffer the pipeline had on screen,
    /// where the plan put it, and black around it (the primary plane off).
    func testSnapshotMatchesTheCaptureBufferOnScreen() throws {
        try Lab.require()
        var comparison: ScreenComparison?
        let session = try FramePipeline(configuration: try config("vivid-vkms.json"))
        XCTAssertEqual(session.displayPlan.placement, .unscaled)
        XCTAssertEqual(session.displayPlan.layout.destination, PixelRectangle(x: 192, y: 144, width: 640, height: 480), "centred on 1024x768")
        _ = try session.run(frames: 30, beforeTeardown: { comparison = try ScreenComparison.take($0) })
        try XCTUnwrap(comparison).assertExact(expectedPixels: 640 * 480)
    }

    /// The same through the PNG that `--snapshot` writes: the screen,
    /// compressed by libpng and read back by it, still holds exactly the
    /// on-screen capture buffer's pixels, and is far smaller than raw.
    func testSnapshotPNGHoldsTheCaptureBufferPixels() throws {
        try Lab.require()
        var comparison: ScreenComparison?
        var pngSize = 0
        let session = try FramePipeline(configuration: try config("vivid-vkms.json"))
        _ = try session.run(frames: 30, beforeTeardown: {
            comparison = try ScreenComparison.take($0, screen: { screen in
                let png = try screen.bytes.withUnsafeBytes {
                    try PNG.encodeXRGB8888($0, width: screen.width, height: screen.height, stride: screen.stride)
                }
                pngSize = png.count
                return try DecodedPNG(png).xrgb8888Snapshot
            })
        })
        try XCTUnwrap(comparison).assertExact(expectedPixels: 640 * 480)
        XCTAssertLessThan(pngSize, 1024 * 768 * 4 / 20, "under 5% of the raw screen")
    }

    func testNV12ConfigFailsWithNoCommonFormatOnVkms() throws {
        try Lab.require()
        let result = try runFramepipe(["preview", "--config", repositoryRoot.appendingPathComponent("configs/nv12-yuv-plane.json").path])
        XCTAssertEqual(result.status, 65)
        XCTAssertTrue(result.stderr.hasPrefix("framepipe: no common format: camera /dev/video4 ('NV12' requested;"), result.stderr)
        XCTAssertTrue(result.stderr.contains("planes scan out AR24 XR24 XR48 AR48 RG16"), result.stderr)
        XCTAssertEqual(result.stderr.filter { $0 == "\n" }.count, 1)
    }

    func testPreviewCommandPrintsSummaryAndWritesSnapshot() throws {
        try Lab.require()
        let png = URL(fileURLWithPath: ProcessInfo.processInfo.environment["LAB_RESULTS"] ?? NSTemporaryDirectory())
            .appendingPathComponent("snapshot-\(getpid()).png")
        let result = try runFramepipe(["preview", "--config", repositoryRoot.appendingPathComponent("configs/vivid-vkms.json").path,
                                       "--frames", "30", "--snapshot", png.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("frames shown in"), result.stdout)
        XCTAssertTrue(result.stdout.contains("buffer-pool violations: 0"), result.stdout)
        XCTAssertTrue(result.stdout.contains("snapshot: \(png.path)"), result.stdout)
        let size = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: png.path)[.size] as? Int)
        print("snapshot \(png.path): \(size) bytes")
        XCTAssertLessThan(size, 1024 * 768 * 4 / 20, "libpng-compressed: under 5% of the raw screen")
        // The camera's 640x480 centred on the 1024x768 screen, black around it.
        let screen = try DecodedPNG(contentsOf: png.path)
        XCTAssertEqual(screen.width, 1024)
        XCTAssertEqual(screen.height, 768)
        XCTAssertTrue(screen.isEightBitRGB, "format \(screen.fileFormat)")
        var litOutside = 0, litInside = 0
        for y in 0..<screen.height {
            for x in 0..<screen.width {
                let p = (y * screen.width + x) * 3
                guard screen.rgb[p] | screen.rgb[p + 1] | screen.rgb[p + 2] != 0 else { continue }
                if (192..<832).contains(x) && (144..<624).contains(y) { litInside += 1 } else { litOutside += 1 }
            }
        }
        XCTAssertEqual(litOutside, 0, "black outside the camera's rectangle")
        XCTAssertGreaterThan(litInside, 640 * 480 / 2, "the camera's picture inside it")
    }

    func testPreviewCommandNamesAnUnwritableSnapshotPath() throws {
        try Lab.require()
        let png = URL(fileURLWithPath: ProcessInfo.processInfo.environment["LAB_RESULTS"] ?? NSTemporaryDirectory())
            .appendingPathComponent("missing-\(getpid())/screen.png")
        // Found before streaming: a run that would never end on its own
        // ends at once, the display untouched.
        let screenBefore = try ScreenState.current()
        let child = try ChildProcess(Lab.framepipeExecutable.path, arguments: [
            "preview", "--config", repositoryRoot.appendingPathComponent("configs/vivid-vkms.json").path,
            "--frames", "1000000", "--snapshot", png.path,
        ], environment: ProcessInfo.processInfo.environment)
        let outcome = try XCTUnwrap(child.wait(timeout: 20), "framepipe streamed instead of refusing the path")
        XCTAssertEqual(outcome.result.status, 74, outcome.result.stderr)
        XCTAssertEqual(outcome.result.stderr, "framepipe: \(png.path): cannot write the PNG: No such file or directory\n")
        XCTAssertEqual(outcome.result.stdout, "")
        XCTAssertFalse(FileManager.default.fileExists(atPath: png.path))
        XCTAssertEqual(try ScreenState.current(), screenBefore)
    }

    func testSIGINTStopsCleanlyWithSummaryAndExit130() throws {
        try Lab.require()
        let screenBefore = try ScreenState.current()
        let child = try ChildProcess(Lab.framepipeExecutable.path, arguments: [
            "preview", "--config", repositoryRoot.appendingPathComponent("configs/vivid-vkms.json").path, "--frames", "100000",
        ], environment: ProcessInfo.processInfo.environment)
        XCTAssertTrue(try waitUntilFlipping(besides: screenBefore), "framepipe streams: its frames flip on screen")
        child.send(SIGINT)
        let result = try XCTUnwrap(child.wait(timeout: 60), "framepipe did not exit").result
        XCTAssertEqual(result.status, 130, result.stderr)
        XCTAssertNil(result.terminatingSignal, "stopped and exited, not killed by the signal")
        XCTAssertEqual(result.stderr, "")
        XCTAssertTrue(result.stdout.contains("stopped: SIGINT"), result.stdout)
        XCTAssertEqual(try ScreenState.current().framebuffer, screenBefore.framebuffer, "display restored after SIGINT")
    }

    func testMissingDeviceAndWrongKindErrors() throws {
        try Lab.require()
        let missing = try runFramepipe(["preview", "--device", "/dev/video99", "--frames", "1"])
        XCTAssertEqual(missing.status, 66)
        XCTAssertEqual(missing.stderr,
                       "framepipe: /dev/video99 does not exist, expected a V4L2 video device (/dev/videoN); `framepipe list` shows the ones there are\n")
        let wrong = try runFramepipe(["preview", "--device", "/dev/dri/card0", "--frames", "1"])
        XCTAssertEqual(wrong.status, 69)
        XCTAssertEqual(wrong.stderr, "framepipe: /dev/dri/card0 is a DRM device, expected a V4L2 video device (/dev/videoN)\n")
        let output = try runFramepipe(["preview", "--device", "/dev/video1", "--frames", "1"])
        XCTAssertEqual(output.status, 69, "vivid's output node cannot capture")
        XCTAssertTrue(output.stderr.contains("cannot capture video"), output.stderr)
    }
}
