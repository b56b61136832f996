import CDRM

/// A connector: a place a display (or a writeback sink) attaches.
public struct ConnectorID: ModeObjectIdentifier {
    /// `DRM_MODE_OBJECT_CONNECTOR`, the kind the kernel looks this id up under.
    public static var objectType: ModeObjectType { .connector }
    /// The kernel's id: `connector_id` as `drmModeGetResources` lists it. 0
    /// means none and is never a real object.
    public let rawValue: UInt32
    /// The id with this number; no check that the object exists.
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// Same as ``init(rawValue:)``, shorter to write.
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }
}
