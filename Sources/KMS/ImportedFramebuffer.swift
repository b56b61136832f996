import CDRM
import Platform

#if canImport(Glibc)
import Glibc
#endif

/// A framebuffer this process added, with the GEM handles it holds.
/// Remove it with ``Card/removeFramebuffer(_:)`` (or let ``Display`` do it).
package struct ImportedFramebuffer: Sendable, Hashable, CustomStringConvertible {
    /// The framebuffer's object id, to set as a plane's `FB_ID`.
    package let id: FramebufferID
    /// Width in pixels, as added.
    package let width: Int
    /// Height in pixels, as added.
    package let height: Int
    /// The DRM format, e.g. 'XR24' for XRGB8888.
    package let format: FourCC
    /// The layout modifier it was added with; LINEAR for V4L2 and dumb buffers.
    package let modifier: FormatModifier
    /// The distinct GEM handles behind the planes, each counted once.
    package let handles: [UInt32]

    /// `"framebuffer 51 640x480 XR24"`.
    package var description: String { "framebuffer \(id) \(width)x\(height) \(format)" }
}
