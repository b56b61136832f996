import Platform

/// How a format lays out its pixels.
package enum PixelLayout: Sendable, Hashable {
    /// One plane of packed pixels. `bytes` lists the component stored in each
    /// byte in memory order (byte 0 first) for one pixel, or for one
    /// two-pixel group for packed 4:2:2 YUV, as the V4L2 documentation
    /// draws them.
    case packed(bytes: [Component], pixelsPerGroup: Int)
    /// RGB565 and similar: components packed within a little-endian word,
    /// listed from the most significant bits down, with their bit widths.
    case packedBits(word: [(Component, Int)])
    /// Y plane then interleaved chroma plane (NV12 family).
    case semiPlanar(horizontalSubsampling: Int, verticalSubsampling: Int, chroma: [Component])
    /// Y, then two separate chroma planes (YUV420 family).
    case planar(horizontalSubsampling: Int, verticalSubsampling: Int, chroma: [Component])

    /// Equal when the cases and all their values are equal. (The tuples of
    /// ``packedBits(word:)`` are not `Equatable`, hence the comparison of
    /// descriptions.)
    package static func == (lhs: PixelLayout, rhs: PixelLayout) -> Bool {
        String(describing: lhs) == String(describing: rhs)
    }

    /// Hashes the same description that ``==(_:_:)`` compares.
    package func hash(into hasher: inout Hasher) { hasher.combine(String(describing: self)) }

    /// Number of planes the format has (colour planes, not memory planes).
    package var planeCount: Int {
        switch self {
        case .packed, .packedBits: return 1
        case .semiPlanar: return 2
        case .planar: return 3
        }
    }
}
