import CDRM

/// A property of a mode object (e.g. a plane's "FB_ID").
package struct PropertyID: ModeObjectIdentifier {
    /// `DRM_MODE_OBJECT_PROPERTY`, the kind the kernel looks this id up under.
    package static var objectType: ModeObjectType { .property }
    /// The kernel's id: `prop_id` as `drmModeObjectGetProperties` lists it. 0
    /// means none and is never a real object.
    package let rawValue: UInt32
    /// The id with this number; no check that the object exists.
    package init(rawValue: UInt32) { self.rawValue = rawValue }
    /// Same as ``init(rawValue:)``, shorter to write.
    package init(_ rawValue: UInt32) { self.rawValue = rawValue }
}
