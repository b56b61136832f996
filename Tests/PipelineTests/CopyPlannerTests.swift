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
        // A camera that allocates nothing cannot copy: said, not tried.
        XCTAssertThrowsError(try plan(camera(["YUYV"], mmap: false), copy: .allowed))
    }
}
