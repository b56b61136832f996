import CV4L2
import Foundation
import Platform
import TestSupport
import V4L2
import XCTest

final class VideoDeviceOpenTests: XCTestCase {
    func testNonVideoCharacterDeviceIsRejectedByKind() {
        XCTAssertThrowsError(try VideoDevice.open("/dev/null")) { error in
            XCTAssertEqual(error as? V4L2Error, .notAVideoDevice(
                path: "/dev/null", actually: "a character device that is neither V4L2 nor DRM (major 1)"))
            XCTAssertEqual((error as? UserFacingError)?.category, .unavailable)
            XCTAssertTrue("\(error)".hasPrefix("/dev/null is a character device"), "\(error)")
        }
    }

    func testMissingPathIsNoInput() {
        XCTAssertThrowsError(try VideoDevice.open("/dev/video-missing")) { error in
            XCTAssertEqual(error as? V4L2Error, .noSuchNode(path: "/dev/video-missing"))
            XCTAssertEqual((error as? UserFacingError)?.category, .notFound)
            XCTAssertEqual("\(error)",
                           "/dev/video-missing does not exist, expected a V4L2 video device (/dev/videoN); `framepipe list` shows the ones there are")
        }
    }

    func testDirectoryIsRejected() {
        XCTAssertThrowsError(try VideoDevice.open("/tmp")) { error in
            XCTAssertEqual(error as? V4L2Error, .notAVideoDevice(path: "/tmp", actually: "a directory"))
        }
    }
}

final class V4L2ValueTests: XCTestCase {
    func testCapabilityNames() {
        let caps: VideoCapabilities = [.videoCaptureMultiplanar, .streaming, .readWrite]
        XCTAssertEqual(caps.names, ["video-capture-mplane", "readwrite", "streaming"])
    }

    func testFractionRate() {
        XCTAssertEqual(Fraction(numerator: 1, denominator: 25).framesPerSecond, 25)
        XCTAssertEqual(Fraction(numerator: 1001, denominator: 30000).framesPerSecond, 29.97, accuracy: 0.001)
        XCTAssertEqual(Fraction(numerator: 0, denominator: 1).framesPerSecond, 0)
    }

    func testLibV4L2PluginRuleFollowsDeviceWideCapabilities() {
        var capability = CapabilityInfo(v4l2_capability())
        capability.capabilities = [.videoCaptureMultiplanar, .streaming]
        XCTAssertTrue(capability.libv4l2WouldEmulateSinglePlanar)
        capability.capabilities = [.videoCaptureMultiplanar, .videoCapture, .streaming]
        XCTAssertFalse(capability.libv4l2WouldEmulateSinglePlanar)
        capability.capabilities = [.videoOutputMultiplanar]
        XCTAssertTrue(capability.libv4l2WouldEmulateSinglePlanar)
        capability.capabilities = [.videoCapture, .streaming]
        XCTAssertFalse(capability.libv4l2WouldEmulateSinglePlanar)
    }

    func testNotACaptureDeviceMessageListsWhatItOffers() {
        let error = V4L2Error.notACaptureDevice(path: "/dev/video1", card: "vivid", capabilities: ["video-output", "streaming"])
        XCTAssertEqual(error.description,
                       "/dev/video1 (vivid) cannot capture video: it offers video-output, streaming; expected video-capture or video-capture-mplane")
    }
}

/// Against vivid in the lab (`n_devs=4 multiplanar=1,2,1,1` in the default
/// boot): the second instance is multiplanar, the others single-planar.
final class V4L2DeviceTests: XCTestCase {
    private func captureNodes() throws -> [VideoDeviceInfo] {
        var found: [VideoDeviceInfo] = []
        for path in videoDeviceNodes() {
            let device = try VideoDevice.open(path)
            if device.captureBufferType != nil { found.append(try device.describe()) }
        }
        return found
    }

    func testVividSinglePlanarAndMultiplanarCaptureNodes() throws {
        try Lab.require()
        let nodes = try captureNodes().filter { $0.driver == "vivid" }
        XCTAssertEqual(nodes.count, Lab.vividMultiplanar.count, "a capture node per vivid instance: \(nodes.map(\.path))")
        XCTAssertEqual(nodes.filter(\.isMultiplanar).count, Lab.vividMultiplanar.filter { $0 }.count, "multiplanar ones")
        XCTAssertEqual(Set(nodes.map(\.isMultiplanar)), [false, true])
        for path in nodes.map(\.path) {
            let device = try VideoDevice.open(path)
            // Single-planar through libv4l2, multiplanar straight to the driver.
            XCTAssertEqual(device.usesLibV4L2, device.captureBufferType == .singlePlanar, path)
        }
        for node in nodes {
            XCTAssertTrue(node.capabilities.contains("streaming"))
            let streaming = try XCTUnwrap(node.streaming)
            XCTAssertTrue(streaming.mmap, node.path)
            XCTAssertTrue(streaming.dmabuf, node.path)
            XCTAssertEqual(streaming.exportable, true, "VIDIOC_EXPBUF must work on \(node.path)")
            let xr24 = try XCTUnwrap(node.formats.first { $0.fourcc == FourCC("XR24") }, "\(node.path) offers XR24")
            XCTAssertEqual(xr24.bufferType, node.isMultiplanar ? .multiplanar : .singlePlanar)
            XCTAssertFalse(xr24.emulated, "libv4l conversion must be off")
            let vga = try XCTUnwrap(xr24.frameSizes.first { $0.width == 640 && $0.height == 480 }, "640x480 offered")
            XCTAssertFalse(vga.intervals.isEmpty)
            XCTAssertTrue(vga.intervals.allSatisfy { $0.framesPerSecond > 0 })
        }
    }

    func testMultiplanarNodeOffersNV12M() throws {
        try Lab.require()
        let node = try XCTUnwrap(try captureNodes().first { $0.driver == "vivid" && $0.isMultiplanar })
        XCTAssertTrue(node.formats.contains { $0.fourcc == FourCC("NM12") }, "vivid MPLANE offers NV12M")
    }

    func testNonCaptureVividNodesAreDescribedWithoutFormats() throws {
        try Lab.require()
        var sawOutput = false
        for path in videoDeviceNodes() {
            let info = try VideoDevice.open(path).describe()
            if info.captureBufferType == nil {
                XCTAssertTrue(info.formats.isEmpty)
                XCTAssertNil(info.streaming)
                XCTAssertThrowsError(try VideoDevice.open(path).requireCapture())
                sawOutput = true
            }
        }
        XCTAssertTrue(sawOutput, "vivid creates output nodes too")
    }

    func testDRMNodeIsNotACamera() throws {
        try Lab.require()
        XCTAssertThrowsError(try VideoDevice.open("/dev/dri/card0")) { error in
            XCTAssertEqual(error as? V4L2Error, .notAVideoDevice(path: "/dev/dri/card0", actually: "a DRM device"))
        }
    }

    func testDescribeLeavesNoDescriptorOpen() throws {
        try Lab.require()
        let before = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
        for _ in 0..<3 { _ = try captureNodes() }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count, before)
    }
}
