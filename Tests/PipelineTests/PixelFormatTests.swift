import CKernelShim
import Pipeline
import Platform
import XCTest

final class PixelFormatTableTests: XCTestCase {
    /// Each entry's fourccs, spelled from characters in the table, must equal
    /// the values the kernel headers define under the names we claim.
    func testFourccsMatchKernelHeaders() {
        let v4l2: [String: UInt32] = [
            "V4L2_PIX_FMT_XBGR32": fp_V4L2_PIX_FMT_XBGR32, "V4L2_PIX_FMT_ABGR32": fp_V4L2_PIX_FMT_ABGR32,
            "V4L2_PIX_FMT_RGBX32": fp_V4L2_PIX_FMT_RGBX32, "V4L2_PIX_FMT_XRGB32": fp_V4L2_PIX_FMT_XRGB32,
            "V4L2_PIX_FMT_ARGB32": fp_V4L2_PIX_FMT_ARGB32, "V4L2_PIX_FMT_BGRX32": fp_V4L2_PIX_FMT_BGRX32,
            "V4L2_PIX_FMT_RGB565": fp_V4L2_PIX_FMT_RGB565, "V4L2_PIX_FMT_RGB24": fp_V4L2_PIX_FMT_RGB24,
            "V4L2_PIX_FMT_BGR24": fp_V4L2_PIX_FMT_BGR24, "V4L2_PIX_FMT_YUYV": fp_V4L2_PIX_FMT_YUYV,
            "V4L2_PIX_FMT_YVYU": fp_V4L2_PIX_FMT_YVYU, "V4L2_PIX_FMT_UYVY": fp_V4L2_PIX_FMT_UYVY,
            "V4L2_PIX_FMT_VYUY": fp_V4L2_PIX_FMT_VYUY, "V4L2_PIX_FMT_NV12": fp_V4L2_PIX_FMT_NV12,
            "V4L2_PIX_FMT_NV12M": fp_V4L2_PIX_FMT_NV12M, "V4L2_PIX_FMT_NV21": fp_V4L2_PIX_FMT_NV21,
            "V4L2_PIX_FMT_NV16": fp_V4L2_PIX_FMT_NV16, "V4L2_PIX_FMT_NV16M": fp_V4L2_PIX_FMT_NV16M,
            "V4L2_PIX_FMT_NV61": fp_V4L2_PIX_FMT_NV61, "V4L2_PIX_FMT_NV24": fp_V4L2_PIX_FMT_NV24,
            "V4L2_PIX_FMT_YUV420": fp_V4L2_PIX_FMT_YUV420, "V4L2_PIX_FMT_YVU420": fp_V4L2_PIX_FMT_YVU420,
        ]
        let drm: [String: UInt32] = [
            "XRGB8888": fp_DRM_FORMAT_XRGB8888, "ARGB8888": fp_DRM_FORMAT_ARGB8888,
            "XBGR8888": fp_DRM_FORMAT_XBGR8888, "BGRX8888": fp_DRM_FORMAT_BGRX8888,
            "BGRA8888": fp_DRM_FORMAT_BGRA8888, "RGBX8888": fp_DRM_FORMAT_RGBX8888,
            "RGB565": fp_DRM_FORMAT_RGB565, "BGR888": fp_DRM_FORMAT_BGR888, "RGB888": fp_DRM_FORMAT_RGB888,
            "YUYV": fp_DRM_FORMAT_YUYV, "YVYU": fp_DRM_FORMAT_YVYU, "UYVY": fp_DRM_FORMAT_UYVY,
            "VYUY": fp_DRM_FORMAT_VYUY, "NV12": fp_DRM_FORMAT_NV12, "NV21": fp_DRM_FORMAT_NV21,
            "NV16": fp_DRM_FORMAT_NV16, "NV61": fp_DRM_FORMAT_NV61, "NV24": fp_DRM_FORMAT_NV24,
            "YUV420": fp_DRM_FORMAT_YUV420, "YVU420": fp_DRM_FORMAT_YVU420,
        ]
        for format in PixelFormat.all {
            XCTAssertEqual(format.v4l2.rawValue, v4l2[format.v4l2Name], "\(format.v4l2Name)")
            XCTAssertEqual(format.drm.rawValue, drm[format.name], "DRM_FORMAT_\(format.name)")
        }
        XCTAssertEqual(Set(PixelFormat.all.map(\.v4l2Name)), Set(v4l2.keys), "every checked format is in the table")
    }

    /// The memory bytes of one pixel, as DRM defines the format: the
    /// components packed into a little-endian word from the most significant
    /// bits down, then stored low byte first.
    private func drmBytes(_ word: [(Component, Int)]) -> [Component] {
        var bits: [Component] = []  // bit 0 first
        for (component, width) in word.reversed() { bits += Array(repeating: component, count: width) }
        return stride(from: 0, to: bits.count, by: 8).map { bits[$0] }
    }

    /// V4L2 documents packed RGB formats by byte order in memory, DRM by a
    /// little-endian word. Both descriptions in the table must put the same
    /// component in every byte, or the picture shows with swapped colours.
    func testRGBByteOrderAgreesBetweenV4L2AndDRM() {
        var checked = 0
        for format in PixelFormat.all {
            guard case .packed(let bytes, 1) = format.layout, let word = format.drmWord else { continue }
            XCTAssertEqual(drmBytes(word), bytes, "\(format)")
            checked += 1
        }
        XCTAssertEqual(checked, 8, "every packed RGB format of the table with a DRM word")
    }

    func testNamedPairs() throws {
        let xr24 = try XCTUnwrap(PixelFormat.forV4L2(FourCC(rawValue: fp_V4L2_PIX_FMT_XBGR32)))
        XCTAssertEqual(xr24.drm.rawValue, fp_DRM_FORMAT_XRGB8888)
        guard case .packed(let bytes, _) = xr24.layout else { return XCTFail() }
        XCTAssertEqual(bytes, [.blue, .green, .red, .padding], "V4L2 'XR24' is bytes B,G,R,X")

        XCTAssertEqual(PixelFormat.forV4L2(FourCC(rawValue: fp_V4L2_PIX_FMT_ABGR32))?.drm.rawValue, fp_DRM_FORMAT_ARGB8888)
        XCTAssertEqual(PixelFormat.forV4L2(FourCC(rawValue: fp_V4L2_PIX_FMT_RGB565))?.drm.rawValue, fp_DRM_FORMAT_RGB565)
        XCTAssertEqual(PixelFormat.forV4L2(FourCC(rawValue: fp_V4L2_PIX_FMT_YUYV))?.drm.rawValue, fp_DRM_FORMAT_YUYV)
        XCTAssertEqual(PixelFormat.forV4L2(FourCC(rawValue: fp_V4L2_PIX_FMT_UYVY))?.drm.rawValue, fp_DRM_FORMAT_UYVY)
        XCTAssertEqual(PixelFormat.forV4L2(FourCC(rawValue: fp_V4L2_PIX_FMT_NV12))?.drm.rawValue, fp_DRM_FORMAT_NV12)
        XCTAssertEqual(PixelFormat.forV4L2(FourCC(rawValue: fp_V4L2_PIX_FMT_NV16))?.drm.rawValue, fp_DRM_FORMAT_NV16)
        // V4L2 RGB24 is bytes R,G,B: DRM calls that BGR888, not RGB888.
        XCTAssertEqual(PixelFormat.forV4L2(FourCC(rawValue: fp_V4L2_PIX_FMT_RGB24))?.drm.rawValue, fp_DRM_FORMAT_BGR888)
    }

    func testMultiMemoryPlaneVariants() throws {
        let nv12m = try XCTUnwrap(PixelFormat.forV4L2(FourCC(rawValue: fp_V4L2_PIX_FMT_NV12M)))
        XCTAssertTrue(nv12m.separateMemoryPlanes)
        XCTAssertEqual(nv12m.layout.planeCount, 2)
        XCTAssertEqual(PixelFormat.forDRM(FourCC(rawValue: fp_DRM_FORMAT_NV12)).count, 2)
        XCTAssertFalse(try XCTUnwrap(PixelFormat.forV4L2(FourCC(rawValue: fp_V4L2_PIX_FMT_NV12))).separateMemoryPlanes)
    }

    func testEachV4L2FourccAppearsOnce() {
        let codes = PixelFormat.all.map(\.v4l2)
        XCTAssertEqual(Set(codes).count, codes.count)
    }

    func testBytesPerPixel() throws {
        XCTAssertEqual(try XCTUnwrap(PixelFormat.forV4L2(FourCC(rawValue: fp_V4L2_PIX_FMT_XBGR32))).bytesPerPixelInFirstPlane, 4)
        XCTAssertEqual(try XCTUnwrap(PixelFormat.forV4L2(FourCC(rawValue: fp_V4L2_PIX_FMT_YUYV))).bytesPerPixelInFirstPlane, 2)
        XCTAssertEqual(try XCTUnwrap(PixelFormat.forV4L2(FourCC(rawValue: fp_V4L2_PIX_FMT_RGB565))).bytesPerPixelInFirstPlane, 2)
        XCTAssertEqual(try XCTUnwrap(PixelFormat.forV4L2(FourCC(rawValue: fp_V4L2_PIX_FMT_RGB24))).bytesPerPixelInFirstPlane, 3)
    }
}
