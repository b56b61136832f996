import CDRM

/// A property blob: a chunk of kernel-held bytes (a mode, IN_FORMATS).
package struct BlobID: ModeObjectIdentifier {
    /// `DRM_MODE_OBJECT_BLOB`, the kind the kernel looks this id up under.
    package static var objectType: ModeObjectType { .blob }
    /// The kernel's id: the blob id a property value or
    /// `drmModeCreatePropertyBlob` gives (e.g. a CRTC's `MODE_ID`). 0 means
    /// none and is never a real object.
    package let rawValue: UInt32
    /// The id with this number; no check that the object exists.
    package init(rawValue: UInt32) { self.rawValue = rawValue }
    /// Same as ``init(rawValue:)``, shorter to write.
    package init(_ rawValue: UInt32) { self.rawValue = rawValue }
}
