import Conversion
import KMS
import Pipeline
import Platform
import TestSupport
import V4L2
import XCTest

/// The copy path in the planner, on the recorded vkms description: only
/// when allowed, only after every zero-copy candidate, and errors that say
/// what could be done.
final class CopyPlannerTests: XCTestCase {
    private func camera(_ formats: [String], mmap: Bool = true) -> CameraDescription {
        CameraDescription(path: "/dev/video0", formats: formats.map(RecordedCard.fourcc),
                          streaming: StreamingSupport(mmap: mmap, userPointer: false, dmabuf: true, exportable: true))
    }

    private func plan(_ camera: CameraDescription, copy: CopyPolicy, format: String? = nil) throws -> PipelinePlanner.Result {
        var configuration = PipelineConfiguration()
        configuration.copy = copy
        configuration.source.format = format.map(RecordedCard.fourcc)
        return try PipelinePlanner.plan(configuration, camera: camera, card: RecordedCard.card(), heaps: [])
    }

    func testCopiesComeAfterEveryZeroCopyCandidateInTheCamerasOrder() throws {
        let result = try plan(camera(["MJPG", "YUYV", "XR24"]), copy: .allowed)
        let memories = result.candidates.map(\.memory)
        let firstCopy = try XCTUnwrap(memories.firstIndex { if case .copy = $0 { return true } else { return false } })
        XCTAssertTrue(memories[..<firstCopy].allSatisfy { $0 == .camera || $0 == .display }, "zero-copy first")
        XCTAssertTrue(memories[firstCopy...].allSatisfy { if case .copy = $0 { return true } else { return false } }, "then copies only")
        var order: [FrameMemory] = []
        for memory in memories[firstCopy...] where !order.contains(memory) { order.append(memory) }
        XCTAssertEqual(order, [.copy(.mjpeg), .copy(.yuyv)], "the camera's order")
        let copy = try XCTUnwrap(result.candidates.last)
        XCTAssertEqual(copy.capture.fourcc, RecordedCard.fourcc("YUYV"), "the camera captures its own format")
        XCTAssertEqual(copy.pixelFormat.drm, RecordedCard.fourcc("XR24"), "the display shows XRGB8888")
        XCTAssertEqual(copy.memory.description, "copy from YUYV (libyuv)")
    }

    func testNeverMeansNoCopyAndARefusalThatSaysHowToAllowOne() throws {
        XCTAssertFalse(try plan(camera(["YUYV", "XR24"]), copy: .never).candidates.contains { if case .copy = $0.memory { return true } else { return false } })
        XCTAssertThrowsError(try plan(camera(["YUYV", "MJPG"]), copy: .never)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("no common format: camera /dev/video0"), text)
            XCTAssertTrue(text.hasSuffix("; --allow-copy (\"copy\": \"allowed\") would convert YUYV MJPG to XRGB8888 with libyuv, counted"), text)
        }
        // Nothing convertible: no hint.
        XCTAssertThrowsError(try plan(camera(["BA81"]), copy: .never)) { error in
            XCTAssertFalse("\(error)".contains("--allow-copy"), "\(error)")
        }
    }

    func testWithNoSharedFormatOnlyCopiesAreTried() throws {
        let result = try plan(camera(["YUYV", "NV16"]), copy: .allowed)
        XCTAssertEqual(Set(result.candidates.map(\.memory)), [.copy(.yuyv), .copy(.nv16)])
    }

    func testWhatCannotBeConvertedIsSaid() throws {
        XCTAssertThrowsError(try plan(camera(["BA81", "GBRG"]), copy: .allowed)) { error in
            XCTAssertEqual(error as? NegotiationError, .nothingConvertible(camera: "/dev/video0", cameraFormats: ["BA81", "GBRG"].map(RecordedCard.fourcc)))
            XCTAssertTrue("\(error)".contains("framepipe converts YUYV (YUYV 4:2:2), UYVY (UYVY 4:2:2)"), "\(error)")
        }
        XCTAssertThrowsError(try plan(camera(["YUYV", "BA81"]), copy: .allowed, format: "BA81")) { error in
            XCTAssertEqual(error as? NegotiationError, .cannotConvert(camera: "/dev/video0", requested: RecordedCard.fourcc("BA81")))
        }
        // A camera that allocates nothing cannot copy: not tried, and the
        // refusal is the zero-copy one, without the hint to allow a copy.
        XCTAssertThrowsError(try plan(camera(["YUYV"], mmap: false), copy: .allowed)) { error in
            guard case .noCommonFormat(camera: "/dev/video0", requested: nil, cameraFormats: [RecordedCard.fourcc("YUYV")], display: "/dev/dri/card0", _)?
                = error as? NegotiationError else { return XCTFail("\(error)") }
            XCTAssertEqual("\(error)", "no common format: camera /dev/video0 (captures YUYV) and display /dev/dri/card0 "
                + "(planes scan out XR24 XR48 RG16 AR24 AR48, DRM fourccs) share no zero-copy format")
        }
    }

    func testLibyuvScalesToTheModeWhenNoFrameSizePlanCoversTheScreen() throws {
        // A 640x360 camera on a card whose only plane must cover the CRTC:
        // after the frame-size plans, one with display buffers of the
        // preferred mode's size, the frame scaled into the middle.
        var configuration = PipelineConfiguration()
        configuration.copy = .allowed
        configuration.source.width = 640
        configuration.source.height = 360
        let card = RecordedCard.primaryOnly()
        let result = try PipelinePlanner.plan(configuration, camera: camera(["YUYV"]), card: card, heaps: [])
        let scaled = result.candidates.filter { $0.copyLayout != nil }
        let first = try XCTUnwrap(scaled.first)
        XCTAssertEqual(first.copyLayout, CopyLayout(bufferWidth: 1024, bufferHeight: 768, target: PixelRectangle(x: 0, y: 96, width: 1024, height: 576)))
        XCTAssertEqual(first.display.layout.destination, PixelRectangle(x: 0, y: 0, width: 1024, height: 768), "covering the screen")
        XCTAssertEqual(first.display.placement, .unscaled, "no plane scales")
        XCTAssertEqual(first.capture.width, 640, "the camera still captures its own size")
        let lastFrameSize = try XCTUnwrap(result.candidates.lastIndex { $0.copyLayout == nil && $0.display.placement != .cropped })
        let firstScaled = try XCTUnwrap(result.candidates.firstIndex { $0.copyLayout != nil })
        XCTAssertLessThan(lastFrameSize, firstScaled, "after the frame-size plans that show the whole frame (cropping comes after)")
        XCTAssertTrue(first.description.hasPrefix("copy from YUYV (libyuv), XRGB8888 640x360 scaled by libyuv to 1024x576 in 1024x768 → "), first.description)
    }

    func testFittingKeepsTheAspectRatio() {
        XCTAssertEqual(CopyLayout.fitting(width: 640, height: 480, into: 1024, 768).target, PixelRectangle(x: 0, y: 0, width: 1024, height: 768))
        XCTAssertEqual(CopyLayout.fitting(width: 1280, height: 720, into: 1024, 768).target, PixelRectangle(x: 0, y: 96, width: 1024, height: 576))
        XCTAssertEqual(CopyLayout.fitting(width: 480, height: 640, into: 1920, 1080).target, PixelRectangle(x: 555, y: 0, width: 810, height: 1080))
    }
}
