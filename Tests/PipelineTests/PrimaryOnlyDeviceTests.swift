import Conversion
import Foundation
import KMS
import Pipeline
import Platform
import TestSupport
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// A display whose only plane must cover the CRTC and cannot scale (vkms
/// `enable_overlay=0`, the lab boot 'fit' of scripts/test), with cameras
/// smaller than, equal to and larger than its preferred 1024x768 mode:
/// each is shown pixel-exact where the plan says, by a mode of the frame's
/// size or by cropping a pinned mode.
final class PrimaryOnlyDeviceTests: XCTestCase {
    private static let hardware = "vkms enable_overlay=0: a primary plane only"

    override func setUpWithError() throws {
        try Lab.require(boot: "fit", Self.hardware)
        let planes = try Card.open(path: "/dev/dri/card0").describe().planes.filter { $0.type != .cursor }
        XCTAssertEqual(planes.map(\.type), [.primary], "the boot's vkms has no overlay planes")
    }

    private func configuration(width: Int, height: Int, mode: ModeRequest? = nil) throws -> PipelineConfiguration {
        var configuration = try PipelineConfiguration.load(path: repositoryRoot.appendingPathComponent("configs/vivid-vkms.json").path)
        configuration.source.width = width
        configuration.source.height = height
        configuration.source.frameRate = nil
        configuration.sink.mode = mode
        return configuration
    }

    /// Runs 20 frames, compares the screen with the buffer on it, and
    /// checks the display is left as it was found.
    private func show(_ pipeline: FramePipeline, file: StaticString = #filePath, line: UInt = #line) throws {
        var comparison: ScreenComparison?
        let summary = try pipeline.run(frames: 20, beforeTeardown: { comparison = try ScreenComparison.take($0) })
        XCTAssertGreaterThanOrEqual(summary.statistics.shown, 20, file: file, line: line)
        XCTAssertEqual(summary.poolViolations, [], file: file, line: line)
        XCTAssertEqual(summary.placement, pipeline.displayPlan.placement.rawValue, file: file, line: line)
        let source = pipeline.displayPlan.layout.source
        try XCTUnwrap(comparison, file: file, line: line).assertExact(expectedPixels: source.width * source.height, file: file, line: line)
    }

    func testASmallerCameraGetsAModeOfItsSize() throws {
        let screenBefore = try ScreenState.current()
        do {
            let pipeline = try FramePipeline(configuration: try configuration(width: 640, height: 480))
            let plan = pipeline.displayPlan
            XCTAssertEqual(plan.modeChoice, .frameSize, pipeline.plan.explanation)
            XCTAssertEqual(plan.mode.width, 640)
            XCTAssertEqual(plan.mode.height, 480)
            XCTAssertEqual(plan.placement, .unscaled)
            XCTAssertEqual(plan.layout.destination, PixelRectangle(x: 0, y: 0, width: 640, height: 480))
            XCTAssertEqual(pipeline.plan.rejected.map(\.reason), [
                "TEST_ONLY EINVAL; the primary plane may have to cover the CRTC", "TEST_ONLY ERANGE; the plane may not scale",
            ], "centred on the preferred mode, then scaled to it: both refused first")
            try show(pipeline)
        }
        XCTAssertEqual(try ScreenState.current(), screenBefore, "the preferred mode is back")
    }

    func testACameraOfThePreferredModesSizeIsShownAsIs() throws {
        let hdmi = try VividHDMIInput("/dev/video0", width: 1024, height: 768)
        defer { hdmi.restore() }
        let pipeline = try FramePipeline(configuration: try configuration(width: 1024, height: 768))
        XCTAssertEqual(pipeline.captureFormat.width, 1024)
        XCTAssertEqual(pipeline.captureFormat.height, 768)
        let plan = pipeline.displayPlan
        XCTAssertEqual(plan.modeChoice, .preferred)
        XCTAssertEqual(plan.placement, .unscaled)
        XCTAssertEqual(plan.layout.destination, PixelRectangle(x: 0, y: 0, width: 1024, height: 768))
        XCTAssertEqual(pipeline.plan.rejected, [], "the first candidate works: \(pipeline.plan.explanation)")
        try show(pipeline)
    }

    func testALargerCameraGetsAModeOfItsSize() throws {
        let pipeline = try FramePipeline(configuration: try configuration(width: 1920, height: 1080))
        let plan = pipeline.displayPlan
        XCTAssertEqual(plan.modeChoice, .frameSize, pipeline.plan.explanation)
        XCTAssertEqual(plan.mode.width, 1920)
        XCTAssertEqual(plan.mode.height, 1080)
        XCTAssertEqual(plan.placement, .unscaled)
        try show(pipeline)
    }

    /// With the mode pinned smaller than the frame and a plane that cannot
    /// scale, the frame is centred and cropped, and the summary says so.
    func testALargerCameraOnAPinnedModeIsCentredAndCropped() throws {
        let pipeline = try FramePipeline(configuration: try configuration(
            width: 1920, height: 1080, mode: .size(width: 1024, height: 768, refreshRate: nil)))
        let plan = pipeline.displayPlan
        XCTAssertEqual(plan.placement, .cropped, pipeline.plan.explanation)
        XCTAssertEqual(plan.layout.source, PixelRectangle(x: 448, y: 156, width: 1024, height: 768), "the middle of the frame")
        XCTAssertEqual(plan.layout.destination, PixelRectangle(x: 0, y: 0, width: 1024, height: 768))
        try show(pipeline)
    }

    /// The copy path on this display: a YUYV camera (vkms shows no YUV) of
    /// 640x360, which no plane here can show unscaled or scale: libyuv
    /// scales it into display buffers of the 1024x768 mode, 1024x576 in the
    /// middle, the rest black, pixel for pixel as libyuv does it.
    func testTheCopyPathScalesWhatNoPlaneCan() throws {
        var configuration = try configuration(width: 640, height: 360)
        configuration.source.format = FourCC("YUYV")
        configuration.source.frameRate = 25
        configuration.source.controls["osd_text_mode"] = 2  // every frame the same picture
        configuration.copy = .allowed
        let pipeline = try FramePipeline(configuration: configuration)
        XCTAssertEqual(pipeline.candidate.copyLayout, CopyLayout(
            bufferWidth: 1024, bufferHeight: 768, target: PixelRectangle(x: 0, y: 96, width: 1024, height: 576)), pipeline.plan.explanation)
        var comparison: ScreenComparison?
        let summary = try pipeline.run(frames: 20, beforeTeardown: { session in
            let capture = session.captureFormat
            let converter = try FrameConverter(
                format: .yuyv, width: 640, height: 360, bytesPerLine: Int(capture.planes[0].bytesPerLine), outputWidth: 1024, outputHeight: 576)
            comparison = try ScreenComparison.takeConverted(
                session, converter: converter, bufferWidth: 1024, bufferHeight: 768, target: PixelPoint(x: 0, y: 96))
        })
        try XCTUnwrap(comparison).assertExact(expectedPixels: 1024 * 768)
        XCTAssertEqual(summary.copyPath, "YUYV 640x360 → XRGB8888 scaled to 1024x576 in 1024x768 (libyuv)")
        XCTAssertEqual(summary.poolViolations, [])
    }
}
