import CDRM
import Platform

/// One property of a mode object with its current value: what atomic
/// commits address by id, and what `framepipe list` shows by name.
///
/// The corresponding calls are `drmModeObjectGetProperties` (ids and values)
/// and `drmModeGetProperty` (name, kind, allowed values).
package struct ModeObjectProperty: Sendable, Equatable, CustomStringConvertible {
    /// What values a property takes, from its `DRM_MODE_PROP_*` type flags.
    package enum Kind: Sendable, Equatable {
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
    package struct Enumerator: Sendable, Equatable {
        /// The enumerator's name, e.g. "Primary" or "rotate-0".
        package let name: String
        /// Its value; for a bitmask, the bit number (not the mask).
        package let value: UInt64
        /// An enumerator with these values; no checks.
        package init(name: String, value: UInt64) {
            self.name = name
            self.value = value
        }
    }

    /// The property's id, which atomic commits address it by; it differs
    /// between drivers and boots.
    package let id: PropertyID
    /// The property's name, e.g. "FB_ID", "type", "IN_FORMATS".
    package let name: String
    /// The current value, as the kernel stores it (a signed value is its bit pattern).
    package let value: UInt64
    /// What values it takes.
    package let kind: Kind
    /// Set by the kernel only (`DRM_MODE_PROP_IMMUTABLE`), e.g. a plane's "type".
    package let isImmutable: Bool
    /// Visible only to atomic clients (`DRM_MODE_PROP_ATOMIC`), e.g. "FB_ID".
    package let isAtomicOnly: Bool

    /// A property with these values; no checks.
    package init(id: PropertyID, name: String, value: UInt64, kind: Kind, isImmutable: Bool, isAtomicOnly: Bool) {
        self.id = id
        self.name = name
        self.value = value
        self.kind = kind
        self.isImmutable = isImmutable
        self.isAtomicOnly = isAtomicOnly
    }

    /// For an enumeration, the name of the current value ("Primary").
    package var enumeratorName: String? {
        guard case .enumeration(let enumerators) = kind else { return nil }
        return enumerators.first { $0.value == value }?.name
    }

    /// For a bitmask, the names of the set bits.
    package var bitmaskNames: [String]? {
        guard case .bitmask(let enumerators) = kind else { return nil }
        return enumerators.filter { $0.value < 64 && value & (1 << $0.value) != 0 }.map(\.name)
    }

    /// Name and value, with enumerator names where there are some:
    /// `"type=Primary"`, `"rotation=rotate-0|reflect-x"`, `"FB_ID=51"`.
    package var description: String {
        if let name = enumeratorName { return "\(self.name)=\(name)" }
        if let names = bitmaskNames { return "\(name)=\(names.joined(separator: "|"))" }
        if case .signedRange = kind { return "\(name)=\(Int64(bitPattern: value))" }
        return "\(name)=\(value)"
    }
}
