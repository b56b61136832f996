import CDRM

/// A plane: one layer of scan-out (primary, overlay or cursor).
public struct PlaneID: ModeObjectIdentifier {
    /// `DRM_MODE_OBJECT_PLANE`, the kind the kernel looks this id up under.
    public static var objectType: ModeObjectType { .plane }
    /// The kernel's id: `plane_id` as `drmModeGetPlaneResources` lists it. 0
    /// means none and is never a real object.
    public let rawValue: UInt32
    /// The id with this number; no check that the object exists.
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// Same as ``init(rawValue:)``, shorter to write.
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }
}
