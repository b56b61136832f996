import CDRM

/// An encoder: the legacy link between a CRTC and a connector. Atomic code
/// ignores it, but its `possible_crtcs` is how a connector's CRTCs are found.
public struct EncoderID: ModeObjectIdentifier {
    /// `DRM_MODE_OBJECT_ENCODER`, the kind the kernel looks this id up under.
    public static var objectType: ModeObjectType { .encoder }
    /// The kernel's id: `encoder_id` as `drmModeGetResources` lists it. 0 means
    /// none and is never a real object.
    public let rawValue: UInt32
    /// The id with this number; no check that the object exists.
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// Same as ``init(rawValue:)``, shorter to write.
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }
}
