import CDRM
import CKernelShim
import Platform

#if canImport(Glibc)
import Glibc
#endif

/// The ids of the properties of the mode objects a program drives, read
/// once at setup so that requests can name properties ("FB_ID") without
/// asking the kernel again. Also keeps each property's value as it was when
/// loaded, which is the state to restore later.
package struct PropertyIDCache: Sendable {
    /// The card the ids belong to, for error messages.
    package let device: String
    private var objects: [UInt32: ModeObjectProperties] = [:]
    private var objectNames: [UInt32: String] = [:]

    package init(device: String) {
        self.device = device
    }

    /// Records the properties of `object` (e.g. from ``Card/properties(of:)``).
    package mutating func add<ID: ModeObjectIdentifier>(_ object: ID, properties: ModeObjectProperties) {
        objects[object.rawValue] = properties
        objectNames[object.rawValue] = "\(ID.objectType) \(object)"
    }

    /// Reads the properties of `object` from the card, once.
    package mutating func load<ID: ModeObjectIdentifier>(_ object: ID, from card: Card) throws(DeviceError) {
        if objects[object.rawValue] != nil { return }
        add(object, properties: try card.properties(of: object))
    }

    /// Whether `object` was loaded.
    package func contains<ID: ModeObjectIdentifier>(_ object: ID) -> Bool {
        objects[object.rawValue] != nil
    }

    /// The properties of `object` as loaded.
    package func properties<ID: ModeObjectIdentifier>(of object: ID) -> ModeObjectProperties? {
        objects[object.rawValue]
    }

    /// The id of the property `name` of `object`.
    package func id<ID: ModeObjectIdentifier>(of name: String, on object: ID) throws(DisplayError) -> PropertyID {
        guard let property = objects[object.rawValue]?[name] else {
            throw DisplayError.missingProperty(object: "\(ID.objectType) \(object)", name: name, device: device)
        }
        return property.id
    }

    /// The value `name` of `object` had when it was loaded.
    package func loadedValue<ID: ModeObjectIdentifier>(of name: String, on object: ID) throws(DisplayError) -> UInt64 {
        guard let property = objects[object.rawValue]?[name] else {
            throw DisplayError.missingProperty(object: "\(ID.objectType) \(object)", name: name, device: device)
        }
        return property.value
    }
}
