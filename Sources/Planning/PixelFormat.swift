import Platform

/// One entry of the format table: a pixel format with its V4L2 and its DRM
/// fourcc. The two kernel APIs name the same memory layout differently:
/// V4L2's 'XR24' (`V4L2_PIX_FMT_XBGR32`, bytes B,G,R,X) is DRM's 'XR24'
/// (`DRM_FORMAT_XRGB8888`, x:R:G:B in a little-endian word), while V4L2's
/// 'RGB3' (bytes R,G,B) is DRM's 'BG24' (`DRM_FORMAT_BGR888`). Getting this
/// wrong shows a picture with red and blue swapped, so every entry is
/// unit-tested against the kernel headers and against its byte order.
public struct PixelFormat: Sendable, Hashable, CustomStringConvertible {
    /// The DRM name without prefix, e.g. "XRGB8888".
    public let name: String
    /// The V4L2 pixel format (`V4L2_PIX_FMT_*`).
    public let v4l2: FourCC
    /// The DRM format (`DRM_FORMAT_*`).
    public let drm: FourCC
    /// The V4L2 macro name, for messages and tests.
    public let v4l2Name: String
    /// True for V4L2's multi-memory-plane variants (NV12M): each colour plane
    /// is its own buffer plane with its own dma-buf.
    public let separateMemoryPlanes: Bool
    /// The memory layout the two fourccs share, from which pitches and plane
    /// sizes follow.
    package let layout: PixelLayout
    /// DRM's bit layout of a packed little-endian word, most significant
    /// component first, with widths: XRGB8888 is [X8, R8, G8, B8]. Nil for
    /// YUV and byte-addressed formats, where the byte order says it all.
    package let drmWord: [(Component, Int)]?

    /// The DRM name and both fourccs: `"XRGB8888 (V4L2 'XR24', DRM 'XR24')"`.
    public var description: String { "\(name) (V4L2 '\(v4l2)', DRM '\(drm)')" }

    /// Two entries are equal when both fourccs are equal.
    public static func == (lhs: PixelFormat, rhs: PixelFormat) -> Bool {
        lhs.v4l2 == rhs.v4l2 && lhs.drm == rhs.drm
    }

    /// Hashes the two fourccs, as ``==(_:_:)`` compares them.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(v4l2)
        hasher.combine(drm)
    }

    /// Bytes per pixel of the first plane (packed formats: the whole pixel).
    package var bytesPerPixelInFirstPlane: Double {
        switch layout {
        case .packed(let bytes, let pixels): return Double(bytes.count) / Double(pixels)
        case .packedBits(let word): return Double(word.reduce(0) { $0 + $1.1 }) / 8
        case .semiPlanar, .planar: return 1
        }
    }
}

// Spelled from the four characters; the tests compare with the C headers.
private func code(_ text: StaticString) -> FourCC {
    let bytes = UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)
    precondition(bytes.count == 4, "a fourcc has four characters")
    return FourCC(rawValue: bytes.enumerated().reduce(0) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) })
}

extension PixelFormat {
    /// The table. Order matters: it is the order of preference when several
    /// formats are possible (RGB formats a display plane can scan out
    /// directly first, then YUV).
    public static let all: [PixelFormat] = [
        PixelFormat(name: "XRGB8888", v4l2: code("XR24"), drm: code("XR24"), v4l2Name: "V4L2_PIX_FMT_XBGR32",
                    separateMemoryPlanes: false, layout: .packed(bytes: [.blue, .green, .red, .padding], pixelsPerGroup: 1),
                    drmWord: [(.padding, 8), (.red, 8), (.green, 8), (.blue, 8)]),
        PixelFormat(name: "ARGB8888", v4l2: code("AR24"), drm: code("AR24"), v4l2Name: "V4L2_PIX_FMT_ABGR32",
                    separateMemoryPlanes: false, layout: .packed(bytes: [.blue, .green, .red, .alpha], pixelsPerGroup: 1),
                    drmWord: [(.alpha, 8), (.red, 8), (.green, 8), (.blue, 8)]),
        PixelFormat(name: "XBGR8888", v4l2: code("XB24"), drm: code("XB24"), v4l2Name: "V4L2_PIX_FMT_RGBX32",
                    separateMemoryPlanes: false, layout: .packed(bytes: [.red, .green, .blue, .padding], pixelsPerGroup: 1),
                    drmWord: [(.padding, 8), (.blue, 8), (.green, 8), (.red, 8)]),
        PixelFormat(name: "BGRX8888", v4l2: code("BX24"), drm: code("BX24"), v4l2Name: "V4L2_PIX_FMT_XRGB32",
                    separateMemoryPlanes: false, layout: .packed(bytes: [.padding, .red, .green, .blue], pixelsPerGroup: 1),
                    drmWord: [(.blue, 8), (.green, 8), (.red, 8), (.padding, 8)]),
        PixelFormat(name: "BGRA8888", v4l2: code("BA24"), drm: code("BA24"), v4l2Name: "V4L2_PIX_FMT_ARGB32",
                    separateMemoryPlanes: false, layout: .packed(bytes: [.alpha, .red, .green, .blue], pixelsPerGroup: 1),
                    drmWord: [(.blue, 8), (.green, 8), (.red, 8), (.alpha, 8)]),
        PixelFormat(name: "RGBX8888", v4l2: code("RX24"), drm: code("RX24"), v4l2Name: "V4L2_PIX_FMT_BGRX32",
                    separateMemoryPlanes: false, layout: .packed(bytes: [.padding, .blue, .green, .red], pixelsPerGroup: 1),
                    drmWord: [(.red, 8), (.green, 8), (.blue, 8), (.padding, 8)]),
        PixelFormat(name: "RGB565", v4l2: code("RGBP"), drm: code("RG16"), v4l2Name: "V4L2_PIX_FMT_RGB565",
                    separateMemoryPlanes: false, layout: .packedBits(word: [(.red, 5), (.green, 6), (.blue, 5)]),
                    drmWord: [(.red, 5), (.green, 6), (.blue, 5)]),
        PixelFormat(name: "BGR888", v4l2: code("RGB3"), drm: code("BG24"), v4l2Name: "V4L2_PIX_FMT_RGB24",
                    separateMemoryPlanes: false, layout: .packed(bytes: [.red, .green, .blue], pixelsPerGroup: 1),
                    drmWord: [(.blue, 8), (.green, 8), (.red, 8)]),
        PixelFormat(name: "RGB888", v4l2: code("BGR3"), drm: code("RG24"), v4l2Name: "V4L2_PIX_FMT_BGR24",
                    separateMemoryPlanes: false, layout: .packed(bytes: [.blue, .green, .red], pixelsPerGroup: 1),
                    drmWord: [(.red, 8), (.green, 8), (.blue, 8)]),
        PixelFormat(name: "YUYV", v4l2: code("YUYV"), drm: code("YUYV"), v4l2Name: "V4L2_PIX_FMT_YUYV",
                    separateMemoryPlanes: false, layout: .packed(bytes: [.luma, .blueDifference, .luma, .redDifference], pixelsPerGroup: 2),
                    drmWord: nil),
        PixelFormat(name: "YVYU", v4l2: code("YVYU"), drm: code("YVYU"), v4l2Name: "V4L2_PIX_FMT_YVYU",
                    separateMemoryPlanes: false, layout: .packed(bytes: [.luma, .redDifference, .luma, .blueDifference], pixelsPerGroup: 2),
                    drmWord: nil),
        PixelFormat(name: "UYVY", v4l2: code("UYVY"), drm: code("UYVY"), v4l2Name: "V4L2_PIX_FMT_UYVY",
                    separateMemoryPlanes: false, layout: .packed(bytes: [.blueDifference, .luma, .redDifference, .luma], pixelsPerGroup: 2),
                    drmWord: nil),
        PixelFormat(name: "VYUY", v4l2: code("VYUY"), drm: code("VYUY"), v4l2Name: "V4L2_PIX_FMT_VYUY",
                    separateMemoryPlanes: false, layout: .packed(bytes: [.redDifference, .luma, .blueDifference, .luma], pixelsPerGroup: 2),
                    drmWord: nil),
        PixelFormat(name: "NV12", v4l2: code("NV12"), drm: code("NV12"), v4l2Name: "V4L2_PIX_FMT_NV12",
                    separateMemoryPlanes: false, layout: .semiPlanar(horizontalSubsampling: 2, verticalSubsampling: 2, chroma: [.blueDifference, .redDifference]),
                    drmWord: nil),
        PixelFormat(name: "NV12", v4l2: code("NM12"), drm: code("NV12"), v4l2Name: "V4L2_PIX_FMT_NV12M",
                    separateMemoryPlanes: true, layout: .semiPlanar(horizontalSubsampling: 2, verticalSubsampling: 2, chroma: [.blueDifference, .redDifference]),
                    drmWord: nil),
        PixelFormat(name: "NV21", v4l2: code("NV21"), drm: code("NV21"), v4l2Name: "V4L2_PIX_FMT_NV21",
                    separateMemoryPlanes: false, layout: .semiPlanar(horizontalSubsampling: 2, verticalSubsampling: 2, chroma: [.redDifference, .blueDifference]),
                    drmWord: nil),
        PixelFormat(name: "NV16", v4l2: code("NV16"), drm: code("NV16"), v4l2Name: "V4L2_PIX_FMT_NV16",
                    separateMemoryPlanes: false, layout: .semiPlanar(horizontalSubsampling: 2, verticalSubsampling: 1, chroma: [.blueDifference, .redDifference]),
                    drmWord: nil),
        PixelFormat(name: "NV16", v4l2: code("NM16"), drm: code("NV16"), v4l2Name: "V4L2_PIX_FMT_NV16M",
                    separateMemoryPlanes: true, layout: .semiPlanar(horizontalSubsampling: 2, verticalSubsampling: 1, chroma: [.blueDifference, .redDifference]),
                    drmWord: nil),
        PixelFormat(name: "NV61", v4l2: code("NV61"), drm: code("NV61"), v4l2Name: "V4L2_PIX_FMT_NV61",
                    separateMemoryPlanes: false, layout: .semiPlanar(horizontalSubsampling: 2, verticalSubsampling: 1, chroma: [.redDifference, .blueDifference]),
                    drmWord: nil),
        PixelFormat(name: "NV24", v4l2: code("NV24"), drm: code("NV24"), v4l2Name: "V4L2_PIX_FMT_NV24",
                    separateMemoryPlanes: false, layout: .semiPlanar(horizontalSubsampling: 1, verticalSubsampling: 1, chroma: [.blueDifference, .redDifference]),
                    drmWord: nil),
        PixelFormat(name: "YUV420", v4l2: code("YU12"), drm: code("YU12"), v4l2Name: "V4L2_PIX_FMT_YUV420",
                    separateMemoryPlanes: false, layout: .planar(horizontalSubsampling: 2, verticalSubsampling: 2, chroma: [.blueDifference, .redDifference]),
                    drmWord: nil),
        PixelFormat(name: "YVU420", v4l2: code("YV12"), drm: code("YV12"), v4l2Name: "V4L2_PIX_FMT_YVU420",
                    separateMemoryPlanes: false, layout: .planar(horizontalSubsampling: 2, verticalSubsampling: 2, chroma: [.redDifference, .blueDifference]),
                    drmWord: nil),
    ]

    /// The entry for a V4L2 pixel format, if the table has one.
    public static func forV4L2(_ fourcc: FourCC) -> PixelFormat? {
        all.first { $0.v4l2 == fourcc }
    }

    /// The entries for a DRM format (NV12 has two: contiguous and NV12M).
    public static func forDRM(_ fourcc: FourCC) -> [PixelFormat] {
        all.filter { $0.drm == fourcc }
    }
}
