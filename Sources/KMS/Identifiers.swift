import CDRM

/// The kind of a KMS mode object, as the kernel tags every object id it hands
/// out. Property calls need it next to the id because the kernel looks the id
/// up per kind.
///
/// The corresponding constants are `DRM_MODE_OBJECT_*`.
public struct ModeObjectType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt32

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

/// A kernel id of one kind of KMS object. Each kind is its own type so that a
/// plane id can never be passed where a CRTC id is expected — the kernel would
/// accept the number and fail with a vague ENOENT or EINVAL far from the bug.
///
/// Ids encode and decode as plain JSON numbers.
public protocol ModeObjectIdentifier: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible
where RawValue == UInt32 {
    /// The kind the kernel files this id under.
    static var objectType: ModeObjectType { get }
    init(rawValue: UInt32)
}

extension ModeObjectIdentifier {
    /// The id as decimal, as modetest and the kernel log print it.
    public var description: String { String(rawValue) }
}

/// A CRTC: the scan-out engine that reads planes and times one video signal.
public struct CrtcID: ModeObjectIdentifier {
    public static var objectType: ModeObjectType { .crtc }
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }
}

/// A connector: a place a display (or a writeback sink) attaches.
public struct ConnectorID: ModeObjectIdentifier {
    public static var objectType: ModeObjectType { .connector }
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }
}

/// An encoder: the legacy link between a CRTC and a connector. Atomic code
/// ignores it, but its `possible_crtcs` is how a connector's CRTCs are found.
public struct EncoderID: ModeObjectIdentifier {
    public static var objectType: ModeObjectType { .encoder }
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }
}

/// A plane: one layer of scan-out (primary, overlay or cursor).
public struct PlaneID: ModeObjectIdentifier {
    public static var objectType: ModeObjectType { .plane }
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }
}

/// A framebuffer: memory described with format, size and pitches, ready to
/// be shown by a plane.
public struct FramebufferID: ModeObjectIdentifier {
    public static var objectType: ModeObjectType { .framebuffer }
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }
}

/// A property of a mode object (e.g. a plane's "FB_ID").
public struct PropertyID: ModeObjectIdentifier {
    public static var objectType: ModeObjectType { .property }
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }
}

/// A property blob: a chunk of kernel-held bytes (a mode, IN_FORMATS).
public struct BlobID: ModeObjectIdentifier {
    public static var objectType: ModeObjectType { .blob }
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }
}

extension ModeObjectIdentifier {
    /// Zero means "no object" throughout the KMS API (no framebuffer, no
    /// CRTC); Swift spells that as `nil`.
    init?(nonZero rawValue: UInt32) {
        guard rawValue != 0 else { return nil }
        self.init(rawValue: rawValue)
    }
}

extension CrtcID {
    /// Decodes a `possible_crtcs` bitmask (of an encoder or a plane). Bit *i*
    /// stands for the *i*-th CRTC in the order `drmModeGetResources` lists
    /// them, not for a CRTC id, which is why the order must be passed in.
    /// Bits beyond the listed CRTCs are ignored: they name nothing.
    public static func decodePossibleCrtcs(mask: UInt32, resourceOrder: [CrtcID]) -> [CrtcID] {
        resourceOrder.enumerated().compactMap { index, crtc in
            index < 32 && mask & (1 << UInt32(index)) != 0 ? crtc : nil
        }
    }
}
