import CV4L2
import Platform

/// A pixel format and a frame size, as requested or as offered.
public struct FrameFormat: Sendable, Hashable, CustomStringConvertible {
    public var fourcc: FourCC
    public var width: UInt32
    public var height: UInt32

    public init(fourcc: FourCC, width: UInt32, height: UInt32) {
        self.fourcc = fourcc
        self.width = width
        self.height = height
    }

    /// "'XR24' 640x480".
    public var description: String { "'\(fourcc)' \(width)x\(height)" }
}
