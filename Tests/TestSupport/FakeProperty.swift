import CDRM

/// A property of the fake card's mode objects, with the id, flags, allowed
/// values and enumerators `drmModeGetProperty` reports. As in the kernel,
/// one property (one id) is shared by every object that has it: planes and
/// connectors share CRTC_ID.
struct FakeProperty: Sendable {
    let id: UInt32
    let name: String
    /// `DRM_MODE_PROP_*`: the type, plus ATOMIC (hidden from non-atomic
    /// clients) and IMMUTABLE (never settable).
    let flags: UInt32
    /// Range bounds, or the object type of an object property, or the
    /// enumerator values.
    let values: [UInt64]
    let enumerators: [(name: String, value: UInt64)]

    /// `DRM_MODE_PROP_OBJECT` and `DRM_MODE_PROP_SIGNED_RANGE`, which
    /// drm_mode.h defines with a macro Swift cannot import.
    static let objectType: UInt32 = 1 << 6
    static let signedRangeType: UInt32 = 2 << 6

    var isAtomicOnly: Bool { flags & DRM_MODE_PROP_ATOMIC != 0 }
    var isImmutable: Bool { flags & UInt32(DRM_MODE_PROP_IMMUTABLE) != 0 }
    var isObject: Bool { flags & UInt32(DRM_MODE_PROP_EXTENDED_TYPE) == Self.objectType }
    var isBlob: Bool { flags & UInt32(DRM_MODE_PROP_BLOB) != 0 }

    private static func range(_ id: UInt32, _ name: String, _ minimum: UInt64, _ maximum: UInt64) -> FakeProperty {
        FakeProperty(id: id, name: name, flags: UInt32(DRM_MODE_PROP_RANGE) | DRM_MODE_PROP_ATOMIC, values: [minimum, maximum], enumerators: [])
    }

    private static func signedRange(_ id: UInt32, _ name: String) -> FakeProperty {
        FakeProperty(
            id: id, name: name, flags: signedRangeType | DRM_MODE_PROP_ATOMIC,
            values: [UInt64(bitPattern: Int64(Int32.min)), UInt64(Int32.max)], enumerators: [])
    }

    private static func object(_ id: UInt32, _ name: String, _ type: UInt32) -> FakeProperty {
        FakeProperty(id: id, name: name, flags: objectType | DRM_MODE_PROP_ATOMIC, values: [UInt64(type)], enumerators: [])
    }

    static let type = FakeProperty(
        id: 1, name: "type", flags: UInt32(DRM_MODE_PROP_ENUM) | UInt32(DRM_MODE_PROP_IMMUTABLE), values: [0, 1, 2],
        enumerators: [("Overlay", 0), ("Primary", 1), ("Cursor", 2)])
    static let framebuffer = object(2, "FB_ID", DRM_MODE_OBJECT_FB)
    static let crtc = object(3, "CRTC_ID", DRM_MODE_OBJECT_CRTC)
    static let sourceX = range(4, "SRC_X", 0, UInt64(UInt32.max))
    static let sourceY = range(5, "SRC_Y", 0, UInt64(UInt32.max))
    static let sourceWidth = range(6, "SRC_W", 0, UInt64(UInt32.max))
    static let sourceHeight = range(7, "SRC_H", 0, UInt64(UInt32.max))
    static let crtcX = signedRange(8, "CRTC_X")
    static let crtcY = signedRange(9, "CRTC_Y")
    static let crtcWidth = range(10, "CRTC_W", 0, UInt64(Int32.max))
    static let crtcHeight = range(11, "CRTC_H", 0, UInt64(Int32.max))
    static let active = range(12, "ACTIVE", 0, 1)
    static let mode = FakeProperty(id: 13, name: "MODE_ID", flags: UInt32(DRM_MODE_PROP_BLOB) | DRM_MODE_PROP_ATOMIC, values: [], enumerators: [])
    static let dpms = FakeProperty(
        id: 14, name: "DPMS", flags: UInt32(DRM_MODE_PROP_ENUM), values: [0, 1, 2, 3],
        enumerators: [("On", 0), ("Standby", 1), ("Suspend", 2), ("Off", 3)])

    /// The properties of each kind of object, in the order the kernel lists them.
    static let planeProperties = [type, framebuffer, crtc, crtcX, crtcY, crtcWidth, crtcHeight, sourceX, sourceY, sourceWidth, sourceHeight]
    static let crtcProperties = [active, mode]
    static let connectorProperties = [dpms, crtc]

    static let all = [type, framebuffer, crtc, sourceX, sourceY, sourceWidth, sourceHeight, crtcX, crtcY, crtcWidth, crtcHeight, active, mode, dpms]

    static func with(id: UInt32) -> FakeProperty? { all.first { $0.id == id } }
}
