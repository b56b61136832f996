import Pipeline
import Platform
import XCTest

final class NegotiationTests: XCTestCase {
    private func codes(_ names: String) -> [FourCC] { names.split(separator: " ").compactMap { FourCC(String($0)) } }
    private let vividFormats = "YUYV UYVY NV12 NV16 RGBP RGB3 BGR3 XR24 AR24 BX24 NM12"
    private let vkmsPrimary = "XR24 XR48 RG16"

    func testPrefersTableOrderWhenNothingRequested() throws {
        let format = try negotiatePixelFormat(requested: nil, cameraFormats: codes(vividFormats), displayFormats: codes(vkmsPrimary),
                                              camera: "/dev/video0", display: "/dev/dri/card0")
        XCTAssertEqual(format.name, "XRGB8888")
        XCTAssertEqual(format.v4l2, FourCC("XR24"))
        XCTAssertEqual(format.drm, FourCC("XR24"))
    }

    func testRGB565MapsAcrossDifferentFourccs() throws {
        let format = try negotiatePixelFormat(requested: FourCC("RGBP"), cameraFormats: codes(vividFormats), displayFormats: codes(vkmsPrimary),
                                              camera: "c", display: "d")
        XCTAssertEqual(format.drm, FourCC("RG16"), "V4L2 'RGBP' is DRM 'RG16'")
    }

    func testRequestedYUVOnRGBOnlyDisplayListsBothSides() {
        XCTAssertThrowsError(try negotiatePixelFormat(
            requested: FourCC("NV12"), cameraFormats: codes(vividFormats), displayFormats: codes("XR24 AR24 XR48 AR48 RG16"),
            camera: "/dev/video4", display: "/dev/dri/card0")) { error in
            XCTAssertEqual("\(error)", "no common format: camera /dev/video4 ('NV12' requested; captures YUYV UYVY NV12 NV16 RGBP RGB3 BGR3 XR24 AR24 BX24 NM12) and display /dev/dri/card0 (planes scan out XR24 AR24 XR48 AR48 RG16, DRM fourccs) share no zero-copy format")
            XCTAssertEqual((error as? UserFacingError)?.category, .invalidRequest)
        }
    }

    func testNoOverlapAtAll() {
        XCTAssertThrowsError(try negotiatePixelFormat(requested: nil, cameraFormats: codes("YUYV MJPG"), displayFormats: codes("XR24"),
                                                      camera: "c", display: "d")) { error in
            XCTAssertTrue("\(error)".hasPrefix("no common format: camera c (captures YUYV MJPG) and display d (planes scan out XR24"), "\(error)")
        }
    }

    func testCameraLacksRequestedFormat() {
        XCTAssertThrowsError(try negotiatePixelFormat(requested: FourCC("MJPG"), cameraFormats: codes("YUYV XR24"), displayFormats: codes("XR24"),
                                                      camera: "/dev/video0", display: "d")) { error in
            XCTAssertEqual("\(error)", "camera /dev/video0 cannot capture 'MJPG'; it offers YUYV XR24")
        }
    }

    func testYUVPlaneAcceptsNV12() throws {
        let format = try negotiatePixelFormat(requested: FourCC("NM12"), cameraFormats: codes(vividFormats), displayFormats: codes("XR24 NV12"),
                                              camera: "c", display: "d")
        XCTAssertTrue(format.separateMemoryPlanes)
        XCTAssertEqual(format.drm, FourCC("NV12"))
    }
}
