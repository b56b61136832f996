import Conversion
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

/// The copy path in the lab: vivid formats vkms cannot show, converted with
/// libyuv into XRGB8888 display buffers, only when allowed.
final class CopyPathDeviceTests: XCTestCase {
    private var vividVkms: String { repositoryRoot.appendingPathComponent("configs/vivid-vkms.json").path }

    /// vivid at 640x480 in `format`, its on-screen text off so that every
    /// frame is the same picture (75 % colour bars), copy allowed.
    private func configuration(_ format: String) throws -> PipelineConfiguration {
        var configuration = try PipelineConfiguration.load(path: vividVkms)
        configuration.source.format = try XCTUnwrap(FourCC(format))
        configuration.source.controls["osd_text_mode"] = 2
        configuration.copy = .allowed
        return configuration
    }

    func testYUYVNV12AndRGB24AreShownAsLibyuvConvertsThem() throws {
        try Lab.require()
        let screenBefore = try ScreenState.current()
        let descriptorsBefore = try ProcessResources.descriptorCount()
        for format in ["YUYV", "NV12", "RGB3"] {
            let session = try FramePipeline(configuration: try configuration(format))
            XCTAssertEqual(session.plan.chosen?.memory, "copy from \(format) (libyuv)")
            var comparison: ScreenComparison?
            let summary = try session.run(frames: 20, beforeTeardown: { session in
                // The reference: the camera's own frame (every frame is the
                // same picture), converted here with libyuv.
                let capture = session.captureFormat
                let width = Int(capture.width), height = Int(capture.height)
                let converter = try FrameConverter(
                    format: try XCTUnwrap(ConvertibleFormat(capture.fourcc)), width: width, height: height,
                    bytesPerLine: Int(capture.planes[0].bytesPerLine))
                comparison = try ScreenComparison.takeConverted(session, converter: converter, bufferWidth: width, bufferHeight: height)
            })
            try XCTUnwrap(comparison).assertExact(expectedPixels: 640 * 480)
            XCTAssertEqual(summary.statistics.shown, 20, format)
            let copy = try XCTUnwrap(summary.copy, format)
            XCTAssertGreaterThanOrEqual(copy.converted, 20, "every shown frame was converted")
            XCTAssertEqual(copy.refused, 0)
            XCTAssertEqual(copy.bytesWritten, copy.converted * 640 * 480 * 4)
            XCTAssertGreaterThan(copy.cpuNanoseconds, 0)
            XCTAssertEqual(summary.copyPath, "\(format) 640x480 → XRGB8888 (libyuv)")
            XCTAssertEqual(summary.framebuffersFromCaptureBuffers, 0, "nothing of the camera's is on screen")
            XCTAssertEqual(summary.poolViolations, [])
        }
        XCTAssertEqual(try ScreenState.current(), screenBefore)
        XCTAssertEqual(try ProcessResources.descriptorCount(settlingAt: descriptorsBefore), descriptorsBefore, "\(ProcessResources.descriptorTargets())")
        XCTAssertEqual(try ProcessResources.frameMappings(), [], "every mapping of the copy path is gone")
    }

    func testWithoutAllowCopyTheRefusalSaysHowAndLeavesNothingBehind() throws {
        try Lab.require()
        let screenBefore = try ScreenState.current()
        let result = try runFramepipe(["preview", "--config", vividVkms, "--format", "YUYV", "--frames", "5"])
        XCTAssertEqual(result.status, 65, result.stderr)
        XCTAssertEqual(result.stderr.filter { $0 == "\n" }.count, 1, "one line: \(result.stderr)")
        XCTAssertTrue(result.stderr.hasPrefix("framepipe: no common format: camera /dev/video0 ('YUYV' requested; captures "), result.stderr)
        XCTAssertTrue(result.stderr.contains("; --allow-copy (\"copy\": \"allowed\") would convert YUYV UYVY"), result.stderr)
        XCTAssertEqual(result.stdout, "")
        XCTAssertEqual(try ScreenState.current(), screenBefore)
    }

    func testABayerFormatIsRefusedListingWhatCanBeConverted() throws {
        try Lab.require()
        let result = try runFramepipe(["preview", "--config", vividVkms, "--format", "BA81", "--allow-copy", "--frames", "5"])
        XCTAssertEqual(result.status, 65, result.stderr)
        XCTAssertEqual(result.stderr, "framepipe: 'BA81' from camera /dev/video0 is not shown by the display as is and cannot be converted; "
            + "framepipe converts YUYV (YUYV 4:2:2), UYVY (UYVY 4:2:2), NV12 (NV12), NV21 (NV21), YU12 (YUV420), NV16 (NV16), "
            + "RGBP (RGB565), RGB3 (RGB24), BGR3 (BGR24), MJPG (MJPEG) to XRGB8888\n")
    }

    func testSIGINTDuringACopyRunStopsCleanlyWithItsCounts() throws {
        try Lab.require()
        let screenBefore = try ScreenState.current()
        let child = try ChildProcess(Lab.framepipeExecutable.path, arguments: [
            "preview", "--config", vividVkms, "--format", "YUYV", "--allow-copy", "--frames", "100000",
        ], environment: ProcessInfo.processInfo.environment)
        XCTAssertTrue(try waitUntilFlipping(besides: screenBefore), "framepipe streams: its converted frames flip on screen")
        child.send(SIGINT)
        let outcome = try XCTUnwrap(child.wait(timeout: 60), "framepipe did not exit")
        XCTAssertEqual(outcome.result.status, 130, outcome.result.stderr)
        XCTAssertNil(outcome.result.terminatingSignal, "a clean stop")
        XCTAssertTrue(outcome.result.stdout.contains("copy path: YUYV 640x480 → XRGB8888 (libyuv), "), outcome.result.stdout)
        XCTAssertTrue(outcome.result.stdout.contains("stopped: SIGINT"), outcome.result.stdout)
        XCTAssertEqual(try ScreenState.current(), screenBefore)
    }

    func testBenchReportsTheConversionTimePerFrame() throws {
        try Lab.require()
        let out = URL(fileURLWithPath: ProcessInfo.processInfo.environment["LAB_RESULTS"] ?? NSTemporaryDirectory())
            .appendingPathComponent("copy-bench-\(getpid())")
        let result = try runFramepipe(["bench", "--config", vividVkms, "--format", "YUYV", "--allow-copy", "--frames", "30", "--out", out.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("copy path: YUYV 640x480 → XRGB8888 (libyuv), "), result.stdout)
        let run = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("report.json"))) as? [String: Any])
        let report = try XCTUnwrap((run["cameras"] as? [[String: Any]])?.first, "\(run.keys)")
        let copyPath = try XCTUnwrap(report["copy"] as? [String: Any])
        XCTAssertEqual(copyPath["path"] as? String, "YUYV 640x480 → XRGB8888 (libyuv)")
        let latencies = try XCTUnwrap(report["latencyMilliseconds"] as? [String: Any])
        let conversion = try XCTUnwrap(latencies["conversion"] as? [String: Any], "\(latencies.keys)")
        // Every shown frame but the modeset's and those whose flip was
        // stamped before its commit (no glass time; vkms under TCG) has one.
        let frames = try XCTUnwrap(report["frames"] as? [String: Int])
        let shown = try XCTUnwrap(frames["shown"])
        XCTAssertEqual(shown, 30, "--frames 30")
        XCTAssertEqual(conversion["count"] as? Int, shown - 1 - (frames["flipStampedBeforeCommit"] ?? -1), "\(frames)")
        XCTAssertGreaterThan(conversion["p50"] as? Double ?? 0, 0)
        let copy = try XCTUnwrap(copyPath["statistics"] as? [String: Any])
        XCTAssertGreaterThanOrEqual(copy["converted"] as? Int ?? 0, 30)
        // frames.csv: the conversion column is filled for every shown frame.
        let csv = try String(contentsOf: out.appendingPathComponent("frames.csv"), encoding: .utf8).split(separator: "\n")
        let column = try XCTUnwrap(csv.first?.split(separator: ",").firstIndex(of: "conversion_ms"), "\(csv.first ?? "")")
        for line in csv.dropFirst() where line.contains(",shown,") {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            XCTAssertGreaterThan(Double(fields.indices.contains(column) ? fields[column] : "") ?? 0, 0, String(line))
        }
    }
}
