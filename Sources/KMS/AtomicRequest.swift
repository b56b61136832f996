import CDRM
import CKernelShim
import Platform

#if canImport(Glibc)
import Glibc
#endif

/// An atomic KMS request as a value: (object, property, value) triples,
/// grouped by object in the layout the kernel's `DRM_IOCTL_MODE_ATOMIC`
/// reads (one list of objects, a property count per object, and the
/// properties and values of each object next to each other).
///
/// Build a request once at setup, resolving property names through a
/// ``PropertyIDCache``; on the frame path change values in place with
/// ``update(_:to:)`` and commit the same request again. The arrays keep their
/// storage, so a commit neither allocates nor looks anything up. libdrm's
/// `drmModeAtomicCommit` would copy, sort and allocate the arrays on every
/// commit; that is why framepipe fills `struct drm_mode_atomic` itself.
package struct AtomicRequest: Sendable, Equatable, CustomStringConvertible {
    /// The position of one value in the request, for changing it later
    /// without a search.
    ///
    /// A slot stays valid until a property is added to the request (adding
    /// may move later values); take slots after the request is complete.
    package struct Slot: Sendable, Hashable {
        package let index: Int
    }

    /// Each object once, in the order it was first set.
    package private(set) var objectIDs: [UInt32] = []
    /// How many properties of each object follow, parallel to ``objectIDs``.
    package private(set) var propertyCounts: [UInt32] = []
    /// The properties, object after object.
    package private(set) var propertyIDs: [UInt32] = []
    /// The values, parallel to ``propertyIDs``.
    package private(set) var values: [UInt64] = []

    package init() {}

    /// The number of (object, property, value) triples.
    /// Empties the request, keeping its storage (a request rebuilt per commit allocates nothing).
    package mutating func removeAll() {
        objectIDs.removeAll(keepingCapacity: true)
        propertyCounts.removeAll(keepingCapacity: true)
        propertyIDs.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
    }

    package var count: Int { values.count }
    package var isEmpty: Bool { values.isEmpty }

    /// Sets `property` of `object` to `value`. Setting a property that is
    /// already in the request replaces its value (the last write wins, as in
    /// libdrm); a new property of a known object joins that object's group.
    @discardableResult
    package mutating func set<ID: ModeObjectIdentifier>(_ object: ID, _ property: PropertyID, to value: UInt64) -> Slot {
        var start = 0
        for (index, objectID) in objectIDs.enumerated() {
            let count = Int(propertyCounts[index])
            if objectID == object.rawValue {
                for position in start..<(start + count) where propertyIDs[position] == property.rawValue {
                    values[position] = value
                    return Slot(index: position)
                }
                let position = start + count
                propertyIDs.insert(property.rawValue, at: position)
                values.insert(value, at: position)
                propertyCounts[index] += 1
                return Slot(index: position)
            }
            start += count
        }
        objectIDs.append(object.rawValue)
        propertyCounts.append(1)
        propertyIDs.append(property.rawValue)
        values.append(value)
        return Slot(index: values.count - 1)
    }

    /// Sets the property called `name` of `object`, resolving the name in
    /// `cache` (a dictionary lookup: meant for setup, not for every frame).
    ///
    /// - Throws: `DisplayError.missingProperty` when the object has no such
    ///   property or was never loaded into the cache.
    @discardableResult
    package mutating func set<ID: ModeObjectIdentifier>(
        _ object: ID, _ name: String, to value: UInt64, using cache: PropertyIDCache
    ) throws(DisplayError) -> Slot {
        set(object, try cache.id(of: name, on: object), to: value)
    }

    /// Where `property` of `object` sits, or nil when it is not in the request.
    package func slot<ID: ModeObjectIdentifier>(of object: ID, _ property: PropertyID) -> Slot? {
        var start = 0
        for (index, objectID) in objectIDs.enumerated() {
            let count = Int(propertyCounts[index])
            if objectID == object.rawValue {
                for position in start..<(start + count) where propertyIDs[position] == property.rawValue {
                    return Slot(index: position)
                }
                return nil
            }
            start += count
        }
        return nil
    }

    /// The value of `property` of `object`, or nil when it is not in the request.
    package func value<ID: ModeObjectIdentifier>(of object: ID, _ property: PropertyID) -> UInt64? {
        slot(of: object, property).map { values[$0.index] }
    }

    /// Changes one value in place. On a request held in a `var` with no
    /// other copy this writes into the existing storage: no allocation.
    @inline(__always)
    package mutating func update(_ slot: Slot, to value: UInt64) {
        values[slot.index] = value
    }

    /// The value at `slot`.
    package subscript(slot: Slot) -> UInt64 { values[slot.index] }

    /// "object 35 {20=1, 21=0}, object 31 {...}" with raw ids.
    package var description: String {
        var parts: [String] = []
        var start = 0
        for (index, objectID) in objectIDs.enumerated() {
            let count = Int(propertyCounts[index])
            let pairs = (start..<(start + count)).map { "\(propertyIDs[$0])=\(values[$0])" }
            parts.append("object \(objectID) {\(pairs.joined(separator: ", "))}")
            start += count
        }
        return parts.joined(separator: ", ")
    }

    /// Fills a `struct drm_mode_atomic` pointing into this request's arrays
    /// and runs `body` with it while the pointers are valid.
    func withKernelArgument<Result, Failure: Error>(
        flags: AtomicCommitFlags, userData: UInt64,
        _ body: (inout drm_mode_atomic) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try objectIDs.withUnsafeBufferPointer { (objects) throws(Failure) -> Result in
            try propertyCounts.withUnsafeBufferPointer { (counts) throws(Failure) -> Result in
                try propertyIDs.withUnsafeBufferPointer { (properties) throws(Failure) -> Result in
                    try values.withUnsafeBufferPointer { (values) throws(Failure) -> Result in
                        var argument = drm_mode_atomic()
                        argument.flags = flags.rawValue
                        argument.count_objs = UInt32(objects.count)
                        argument.objs_ptr = Self.userPointer(objects.baseAddress)
                        argument.count_props_ptr = Self.userPointer(counts.baseAddress)
                        argument.props_ptr = Self.userPointer(properties.baseAddress)
                        argument.prop_values_ptr = Self.userPointer(values.baseAddress)
                        argument.reserved = 0
                        argument.user_data = userData
                        return try body(&argument)
                    }
                }
            }
        }
    }

    /// A pointer as the kernel's `__u64` user pointer fields want it.
    @inline(__always)
    static func userPointer<T>(_ pointer: UnsafePointer<T>?) -> UInt64 {
        UInt64(UInt(bitPattern: pointer))
    }
}

extension IoctlRequest {
    /// `DRM_IOCTL_MODE_ATOMIC`, which is `DRM_IOWR(0xBC, struct drm_mode_atomic)`.
    static let modeAtomic = IoctlRequest("DRM_IOCTL_MODE_ATOMIC", fp_DRM_IOCTL_MODE_ATOMIC)
}

extension Card {
    /// Sends an atomic request to the kernel.
    ///
    /// With ``AtomicCommitFlags/testOnly`` nothing changes; with
    /// ``AtomicCommitFlags/pageFlipEvent`` each CRTC in the request sends one
    /// flip event carrying `userData` when the new state is on screen.
    ///
    /// Nothing is allocated: the kernel reads the request's own arrays.
    ///
    /// The corresponding ioctl is `DRM_IOCTL_MODE_ATOMIC`.
    package func commit(_ request: AtomicRequest, flags: AtomicCommitFlags, userData: UInt64 = 0) throws(DeviceError) {
        try request.withKernelArgument(flags: flags, userData: userData) { (argument) throws(DeviceError) in
            try fd.control(.modeAtomic, &argument)
        }
    }

    /// Asks the kernel whether it would take `request` (a TEST_ONLY commit
    /// that may modeset). Returns nil when it would, and the error when it
    /// says "not this configuration" (EINVAL, ERANGE, ENOSPC, EOPNOTSUPP);
    /// throws the errors that mean "not at all" (EACCES without master,
    /// ENODEV, ENOMEM, ...).
    ///
    /// The corresponding ioctl is `DRM_IOCTL_MODE_ATOMIC` with
    /// `DRM_MODE_ATOMIC_TEST_ONLY | DRM_MODE_ATOMIC_ALLOW_MODESET`.
    package func testCommit(_ request: AtomicRequest) throws(DeviceError) -> DeviceError? {
        do {
            try commit(request, flags: [.testOnly, .allowModeset])
            return nil
        } catch {
            guard Self.rejectionErrnos.contains(error.errnoCode) else { throw error }
            return error
        }
    }

    /// The errnos with which a TEST_ONLY commit refuses one configuration
    /// (others may still work).
    static let rejectionErrnos: [Int32] = [EINVAL, ERANGE, ENOSPC, EOPNOTSUPP]
}
