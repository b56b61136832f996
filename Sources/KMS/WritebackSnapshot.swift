import CDRM
import Platform

#if canImport(Glibc)
import Glibc
#endif

/// A copy of what the CRTC sent out, captured by a writeback connector.
public struct WritebackSnapshot: Sendable, Equatable {
    /// Width of the captured image in pixels (the mode's width).
    public let width: Int
    /// Height of the captured image in pixels (the mode's height).
    public let height: Int
    /// Bytes from one line to the next in ``bytes``.
    public let stride: Int
    /// The DRM format of the pixels ("XR24": bytes B, G, R, X per pixel).
    public let format: FourCC
    /// The pixels, ``stride`` bytes per line, top line first.
    public let bytes: [UInt8]
    /// The vblank at which the commit that armed the writeback took effect;
    /// the capture is the first frame composed after it.
    public let sequence: UInt32?
    /// That vblank's time (CLOCK_MONOTONIC on cards that say so).
    public let timestampNanoseconds: UInt64?
    /// Whether the display connector had to be taken off the CRTC for the
    /// capture (cards whose encoders cannot clone one CRTC to two
    /// connectors, like vkms in Linux 6.1); it is routed back before the
    /// call returns.
    public let displayWasDetached: Bool

    /// A snapshot with these values; no checks.
    package init(
        width: Int, height: Int, stride: Int, format: FourCC, bytes: [UInt8],
        sequence: UInt32?, timestampNanoseconds: UInt64?,
        displayWasDetached: Bool = false
    ) {
        self.width = width
        self.height = height
        self.stride = stride
        self.format = format
        self.bytes = bytes
        self.sequence = sequence
        self.timestampNanoseconds = timestampNanoseconds
        self.displayWasDetached = displayWasDetached
    }

    /// The 32-bit pixel at (x, y) as a little-endian word (0xXXRRGGBB for
    /// XRGB8888), or nil outside the image.
    public func pixel(x: Int, y: Int) -> UInt32? {
        guard x >= 0, y >= 0, x < width, y < height else { return nil }
        let offset = y * stride + x * 4
        guard offset + 4 <= bytes.count else { return nil }
        return bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: UInt32.self) }
    }
}
