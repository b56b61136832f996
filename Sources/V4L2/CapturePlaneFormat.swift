import CV4L2
import Platform

/// The layout of one memory plane in the negotiated format.
public struct CapturePlaneFormat: Sendable, Equatable {
    /// Bytes from the start of one line to the next (the pitch).
    public var bytesPerLine: UInt32
    /// The bytes one frame needs in this plane (including any data offset).
    public var sizeImage: UInt32

    /// A plane layout with these values; no checks.
    package init(bytesPerLine: UInt32, sizeImage: UInt32) {
        self.bytesPerLine = bytesPerLine
        self.sizeImage = sizeImage
    }
}
