import CDRM

/// A CRTC: the scan-out engine that reads planes and times one video signal.
public struct CrtcID: ModeObjectIdentifier {
    /// `DRM_MODE_OBJECT_CRTC`, the kind the kernel looks this id up under.
    public static var objectType: ModeObjectType { .crtc }
    /// The kernel's id: `crtc_id` as `drmModeGetResources` lists it. 0 means
    /// none and is never a real object.
    public let rawValue: UInt32
    /// The id with this number; no check that the object exists.
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// Same as ``init(rawValue:)``, shorter to write.
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }
}

extension CrtcID {
    /// Decodes a `possible_crtcs` bitmask (of an encoder or a plane). Bit *i*
    /// stands for the *i*-th CRTC in the order `drmModeGetResources` lists
    /// them, not for a CRTC id, which is why the order must be passed in.
    /// Bits beyond the listed CRTCs are ignored: they name nothing.
    package static func decodePossibleCrtcs(mask: UInt32, resourceOrder: [CrtcID]) -> [CrtcID] {
        resourceOrder.enumerated().compactMap { index, crtc in
            index < 32 && mask & (1 << UInt32(index)) != 0 ? crtc : nil
        }
    }
}
