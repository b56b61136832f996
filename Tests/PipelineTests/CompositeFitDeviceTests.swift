import Foundation
import KMS
import Pipeline
import Platform
import TestSupport
import XCTest

/// More cameras than planes (vkms `enable_overlay=0`: a primary plane
/// only; the 'fit' boot of scripts/test): refused before anything is
/// shown, naming the planes and the cameras.
final class CompositeFitDeviceTests: XCTestCase {
    func testMoreCamerasThanPlanesIsRefusedNamingBoth() throws {
        try Lab.require(boot: "fit", "vkms enable_overlay=0: a primary plane only")
        let card = try Card.open(path: "/dev/dri/card0").describe()
        let primary = try XCTUnwrap(card.planes.first { $0.type == .primary })
        XCTAssertEqual(card.planes.filter { $0.type == .overlay }, [], "the boot's vkms has no overlay planes")
        let screen = try ScreenState.current()
        let descriptors = try ProcessResources.descriptorCount()
        let sources = ["/dev/video0", "/dev/video4"].map { SourceConfiguration(device: $0, format: FourCC("XR24"), width: 320, height: 180) }
        let configuration = PipelineConfiguration(sink: SinkConfiguration(card: "/dev/dri/card0"), sources: sources)
        XCTAssertThrowsError(try FramePipeline(configuration: configuration)) { error in
            guard case PipelineError.tooFewPlanes(let path, _, let planes, let cameras) = error else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(path, "/dev/dri/card0")
            XCTAssertEqual(planes, ["\(primary.id) (primary)"])
            XCTAssertEqual(cameras, ["/dev/video0", "/dev/video4"])
        }
        XCTAssertEqual(try ProcessResources.descriptorCount(settlingAt: descriptors), descriptors, "every fd closed: \(ProcessResources.descriptorTargets())")
        let result = try runFramepipe(["preview", "--device", "/dev/video0", "--device", "/dev/video4", "--format", "XR24", "--size", "320x180"])
        XCTAssertEqual(result.status, 69, result.stderr)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
        XCTAssertTrue(result.stderr.hasPrefix("framepipe: /dev/dri/card0: 2 sources need a plane each on CRTC "), result.stderr)
        XCTAssertTrue(result.stderr.contains("but it has 1 usable: planes \(primary.id) (primary); sources /dev/video0, /dev/video4"), result.stderr)
        XCTAssertEqual(try ScreenState.current(), screen)
    }
}
