import CV4L2
import Platform

/// A pixel format and a frame size, as requested or as offered.
public struct FrameFormat: Sendable, Hashable, CustomStringConvertible {
    /// The V4L2 pixel format, e.g. 'XR24'.
    public var fourcc: FourCC
    /// Frame width in pixels.
    public var width: UInt32
    /// Frame height in pixels.
    public var height: UInt32

    /// A format and size with these values; no checks.
    package init(fourcc: FourCC, width: UInt32, height: UInt32) {
        self.fourcc = fourcc
        self.width = width
        self.height = height
    }

    /// "'XR24' 640x480".
    public var description: String { "'\(fourcc)' \(width)x\(height)" }
}
