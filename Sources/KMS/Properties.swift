import CDRM
import Platform

/// One property of a mode object with its current value: what atomic
/// commits address by id, and what `framepipe list` shows by name.
///
/// The corresponding calls are `drmModeObjectGetProperties` (ids and values)
/// and `drmModeGetProperty` (name, kind, allowed values).
public struct ModeObjectProperty: Sendable, Equatable, CustomStringConvertible {
    /// What values a property takes, from its `DRM_MODE_PROP_*` type flags.
    public enum Kind: Sendable, Equatable {
        /// An unsigned number within bounds (`DRM_MODE_PROP_RANGE`).
        case range(minimum: UInt64, maximum: UInt64)
        /// A signed number within bounds (`DRM_MODE_PROP_SIGNED_RANGE`).
        case signedRange(minimum: Int64, maximum: Int64)
        /// One of named values (`DRM_MODE_PROP_ENUM`).
        case enumeration([Enumerator])
        /// A set of named bits; each enumerator's value is a bit number
        /// (`DRM_MODE_PROP_BITMASK`).
        case bitmask([Enumerator])
        /// The id of a property blob, 0 for none (`DRM_MODE_PROP_BLOB`).
        case blob
        /// The id of another mode object, 0 for none (`DRM_MODE_PROP_OBJECT`).
        case object
        /// A type this code does not know, with its raw flags.
        case unknown(flags: UInt32)
    }

    /// A named value of an enumeration or bitmask property.
    /// The corresponding C type is `struct drm_mode_property_enum`.
    public struct Enumerator: Sendable, Equatable {
        public let name: String
        public let value: UInt64
        public init(name: String, value: UInt64) {
            self.name = name
            self.value = value
        }
    }

    public let id: PropertyID
    public let name: String
    /// The current value, as the kernel stores it (a signed value is its bit pattern).
    public let value: UInt64
    public let kind: Kind
    /// Set by the kernel only (`DRM_MODE_PROP_IMMUTABLE`), e.g. a plane's "type".
    public let isImmutable: Bool
    /// Visible only to atomic clients (`DRM_MODE_PROP_ATOMIC`), e.g. "FB_ID".
    public let isAtomicOnly: Bool

    public init(id: PropertyID, name: String, value: UInt64, kind: Kind, isImmutable: Bool, isAtomicOnly: Bool) {
        self.id = id
        self.name = name
        self.value = value
        self.kind = kind
        self.isImmutable = isImmutable
        self.isAtomicOnly = isAtomicOnly
    }

    /// For an enumeration, the name of the current value ("Primary").
    public var enumeratorName: String? {
        guard case .enumeration(let enumerators) = kind else { return nil }
        return enumerators.first { $0.value == value }?.name
    }

    /// For a bitmask, the names of the set bits.
    public var bitmaskNames: [String]? {
        guard case .bitmask(let enumerators) = kind else { return nil }
        return enumerators.filter { $0.value < 64 && value & (1 << $0.value) != 0 }.map(\.name)
    }

    public var description: String {
        if let name = enumeratorName { return "\(self.name)=\(name)" }
        if let names = bitmaskNames { return "\(name)=\(names.joined(separator: "|"))" }
        if case .signedRange = kind { return "\(name)=\(Int64(bitPattern: value))" }
        return "\(name)=\(value)"
    }
}

/// All properties of one mode object, looked up by name. Property ids differ
/// between drivers and boots, so code names properties ("FB_ID", "CRTC_ID")
/// and resolves them here once.
public struct ModeObjectProperties: Sendable, Equatable {
    /// In the kernel's order.
    public let all: [ModeObjectProperty]
    private let indexByName: [String: Int]

    public init(_ properties: [ModeObjectProperty]) {
        all = properties
        // A name is unique per object in practice; keep the first if not.
        indexByName = Dictionary(properties.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The property called `name`, or nil if the object has none.
    public subscript(name: String) -> ModeObjectProperty? {
        indexByName[name].map { all[$0] }
    }
}

/// Flags that `drm_mode.h` defines only through the function-like macro
/// `DRM_MODE_PROP_TYPE(n)`, which Swift cannot import.
private let objectPropertyType: UInt32 = 1 << 6      // DRM_MODE_PROP_TYPE(1), DRM_MODE_PROP_OBJECT
private let signedRangePropertyType: UInt32 = 2 << 6 // DRM_MODE_PROP_TYPE(2), DRM_MODE_PROP_SIGNED_RANGE

extension Card {
    /// Reads every property of a mode object: ids, names, kinds and current
    /// values. With the atomic client cap set, atomic-only properties
    /// ("FB_ID", "CRTC_ID", "MODE_ID", ...) are included.
    ///
    /// The corresponding calls are `drmModeObjectGetProperties` and, per
    /// property, `drmModeGetProperty`.
    public func properties<ID: ModeObjectIdentifier>(of object: ID) throws(DeviceError) -> ModeObjectProperties {
        let descriptor = fd.rawValue
        let list = try fetchObject("drmModeObjectGetProperties", device: path) {
            kernel.drmModeObjectGetProperties(descriptor, object.rawValue, ID.objectType.rawValue)
        }
        defer { kernel.drmModeFreeObjectProperties(list) }
        let ids = libdrmArray(list.pointee.props, count: list.pointee.count_props)
        let values = libdrmArray(list.pointee.prop_values, count: list.pointee.count_props)

        var properties: [ModeObjectProperty] = []
        properties.reserveCapacity(ids.count)
        for (propertyID, value) in zip(ids, values) {
            let property = try fetchObject("drmModeGetProperty", device: path) {
                kernel.drmModeGetProperty(descriptor, propertyID)
            }
            defer { kernel.drmModeFreeProperty(property) }
            properties.append(Self.property(property.pointee, value: value))
        }
        return ModeObjectProperties(properties)
    }

    /// Converts libdrm's description of a property into the Swift value.
    static func property(_ property: drmModePropertyRes, value: UInt64) -> ModeObjectProperty {
        let flags = property.flags
        let values = libdrmArray(property.values, count: property.count_values)
        let enumerators = libdrmArray(property.enums, count: property.count_enums).map {
            ModeObjectProperty.Enumerator(name: String(fixedCString: $0.name), value: $0.value)
        }
        let extendedType = flags & UInt32(DRM_MODE_PROP_EXTENDED_TYPE)

        let kind: ModeObjectProperty.Kind
        if flags & UInt32(DRM_MODE_PROP_RANGE) != 0, values.count >= 2 {
            kind = .range(minimum: values[0], maximum: values[1])
        } else if flags & UInt32(DRM_MODE_PROP_ENUM) != 0 {
            kind = .enumeration(enumerators)
        } else if flags & UInt32(DRM_MODE_PROP_BITMASK) != 0 {
            kind = .bitmask(enumerators)
        } else if flags & UInt32(DRM_MODE_PROP_BLOB) != 0 {
            kind = .blob
        } else if extendedType == objectPropertyType {
            kind = .object
        } else if extendedType == signedRangePropertyType, values.count >= 2 {
            kind = .signedRange(minimum: Int64(bitPattern: values[0]), maximum: Int64(bitPattern: values[1]))
        } else {
            kind = .unknown(flags: flags)
        }
        return ModeObjectProperty(
            id: PropertyID(property.prop_id),
            name: String(fixedCString: property.name),
            value: value,
            kind: kind,
            isImmutable: flags & UInt32(DRM_MODE_PROP_IMMUTABLE) != 0,
            isAtomicOnly: flags & UInt32(DRM_MODE_PROP_ATOMIC) != 0)
    }

    /// The bytes of a property blob, copied out of libdrm's allocation.
    ///
    /// The corresponding call is `drmModeGetPropertyBlob`.
    public func blobBytes(_ blob: BlobID) throws(DeviceError) -> [UInt8] {
        let descriptor = fd.rawValue
        let pointer = try fetchObject("drmModeGetPropertyBlob", device: path) {
            kernel.drmModeGetPropertyBlob(descriptor, blob.rawValue)
        }
        defer { kernel.drmModeFreePropertyBlob(pointer) }
        guard let data = pointer.pointee.data, pointer.pointee.length > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: data, count: Int(pointer.pointee.length)))
    }
}
