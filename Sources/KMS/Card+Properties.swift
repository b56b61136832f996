import CDRM
import Platform

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
    package func properties<ID: ModeObjectIdentifier>(of object: ID) throws(DeviceError) -> ModeObjectProperties {
        let descriptor = fd.rawValue
        let list = try fetchObject("drmModeObjectGetProperties", device: path) {
            drm.drmModeObjectGetProperties(descriptor, object.rawValue, ID.objectType.rawValue)
        }
        defer { drm.drmModeFreeObjectProperties(list) }
        let ids = libdrmArray(list.pointee.props, count: list.pointee.count_props)
        let values = libdrmArray(list.pointee.prop_values, count: list.pointee.count_props)

        var properties: [ModeObjectProperty] = []
        properties.reserveCapacity(ids.count)
        for (propertyID, value) in zip(ids, values) {
            if let known = propertyDefinitions.withLock({ $0[propertyID] }) {
                properties.append(ModeObjectProperty(
                    id: known.id, name: known.name, value: value, kind: known.kind,
                    isImmutable: known.isImmutable, isAtomicOnly: known.isAtomicOnly))
                continue
            }
            let property = try fetchObject("drmModeGetProperty", device: path) {
                drm.drmModeGetProperty(descriptor, propertyID)
            }
            defer { drm.drmModeFreeProperty(property) }
            let made = Self.property(property.pointee, value: value)
            propertyDefinitions.withLock { $0[propertyID] = made }
            properties.append(made)
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
    package func blobBytes(_ blob: BlobID) throws(DeviceError) -> [UInt8] {
        let descriptor = fd.rawValue
        let pointer = try fetchObject("drmModeGetPropertyBlob", device: path) {
            drm.drmModeGetPropertyBlob(descriptor, blob.rawValue)
        }
        defer { drm.drmModeFreePropertyBlob(pointer) }
        guard let data = pointer.pointee.data, pointer.pointee.length > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: data, count: Int(pointer.pointee.length)))
    }
}
