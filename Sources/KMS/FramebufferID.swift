import CDRM

/// A framebuffer: memory described with format, size and pitches, ready to
/// be shown by a plane.
public struct FramebufferID: ModeObjectIdentifier {
    /// `DRM_MODE_OBJECT_FB`, the kind the kernel looks this id up under.
    public static var objectType: ModeObjectType { .framebuffer }
    /// The kernel's id: `fb_id` as `DRM_IOCTL_MODE_ADDFB2` returns it and a
    /// plane's `FB_ID` takes it. 0 means none and is never a real object.
    public let rawValue: UInt32
    /// The id with this number; no check that the object exists.
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// Same as ``init(rawValue:)``, shorter to write.
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }
}
