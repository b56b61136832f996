import CDRM

/// An encoder: the legacy link between a CRTC and a connector. Atomic code
/// ignores it, but its `possible_crtcs` is how a connector's CRTCs are found.
public struct EncoderID: ModeObjectIdentifier {
    public static var objectType: ModeObjectType { .encoder }
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }
}
