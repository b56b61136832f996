import CDRM
import Platform

#if canImport(Glibc)
import Glibc
#endif

/// A framebuffer this process added, with the GEM handles it holds.
/// Remove it with ``Card/removeFramebuffer(_:)`` (or let ``Display`` do it).
public struct ImportedFramebuffer: Sendable, Hashable, CustomStringConvertible {
    /// The framebuffer's object id, to set as a plane's `FB_ID`.
    public let id: FramebufferID
    /// Width in pixels, as added.
    public let width: Int
    /// Height in pixels, as added.
    public let height: Int
    /// The DRM format, e.g. 'XR24' for XRGB8888.
    public let format: FourCC
    /// The layout modifier it was added with; LINEAR for V4L2 and dumb buffers.
    public let modifier: FormatModifier
    /// The distinct GEM handles behind the planes, each counted once.
    public let handles: [UInt32]

    /// `"framebuffer 51 640x480 XR24"`.
    public var description: String { "framebuffer \(id) \(width)x\(height) \(format)" }
}
