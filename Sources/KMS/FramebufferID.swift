import CDRM

/// A framebuffer: memory described with format, size and pitches, ready to
/// be shown by a plane.
public struct FramebufferID: ModeObjectIdentifier {
    public static var objectType: ModeObjectType { .framebuffer }
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }
}
