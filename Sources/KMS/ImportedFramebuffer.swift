import CDRM
import Platform

#if canImport(Glibc)
import Glibc
#endif

/// A framebuffer this process added, with the GEM handles it holds.
/// Remove it with ``Card/removeFramebuffer(_:)`` (or let ``Display`` do it).
public struct ImportedFramebuffer: Sendable, Hashable, CustomStringConvertible {
    public let id: FramebufferID
    public let width: Int
    public let height: Int
    public let format: FourCC
    public let modifier: FormatModifier
    /// The distinct GEM handles behind the planes, each counted once.
    public let handles: [UInt32]

    public var description: String { "framebuffer \(id) \(width)x\(height) \(format)" }
}
