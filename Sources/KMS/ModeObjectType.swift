import CDRM

/// The kind of a KMS mode object, as the kernel tags every object id it hands
/// out. Property calls need it next to the id because the kernel looks the id
/// up per kind.
///
/// The corresponding constants are `DRM_MODE_OBJECT_*`.
public struct ModeObjectType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The `DRM_MODE_OBJECT_*` value, as in
    /// `drm_mode_obj_get_properties.obj_type`.
    public let rawValue: UInt32

    /// The type with this value; unknown values are kept.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `DRM_MODE_OBJECT_CRTC`.
    public static let crtc = ModeObjectType(rawValue: UInt32(DRM_MODE_OBJECT_CRTC))
    /// `DRM_MODE_OBJECT_CONNECTOR`.
    public static let connector = ModeObjectType(rawValue: UInt32(DRM_MODE_OBJECT_CONNECTOR))
    /// `DRM_MODE_OBJECT_ENCODER`.
    public static let encoder = ModeObjectType(rawValue: UInt32(DRM_MODE_OBJECT_ENCODER))
    /// `DRM_MODE_OBJECT_PLANE`.
    public static let plane = ModeObjectType(rawValue: UInt32(DRM_MODE_OBJECT_PLANE))
    /// `DRM_MODE_OBJECT_FB`.
    public static let framebuffer = ModeObjectType(rawValue: UInt32(DRM_MODE_OBJECT_FB))
    /// `DRM_MODE_OBJECT_PROPERTY`.
    public static let property = ModeObjectType(rawValue: UInt32(DRM_MODE_OBJECT_PROPERTY))
    /// `DRM_MODE_OBJECT_BLOB`.
    public static let blob = ModeObjectType(rawValue: UInt32(DRM_MODE_OBJECT_BLOB))

    /// The kind in words for messages: `"CRTC"`, `"plane"`, or
    /// `"object type 0xdeadbeef"` for values this type has no name for.
    public var description: String {
        switch self {
        case .crtc: return "CRTC"
        case .connector: return "connector"
        case .encoder: return "encoder"
        case .plane: return "plane"
        case .framebuffer: return "framebuffer"
        case .property: return "property"
        case .blob: return "blob"
        default: return "object type 0x" + String(rawValue, radix: 16)
        }
    }
}
