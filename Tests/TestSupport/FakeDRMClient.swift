/// What a DRM card keeps per open file (`struct drm_file`): the client caps
/// it set, its GEM handles and PRIME import table, whether it is master,
/// and the events waiting to be read from it.
final class FakeDRMClient {
    /// The path it was opened from, for leak reports.
    let label: String
    var universalPlanes = false
    var atomic = false
    var writebackConnectors = false
    var isMaster = false
    /// GEM handles, which are per file: the same buffer has different
    /// handles in different files.
    var handles: [UInt32: FakeGEMObject] = [:]
    var nextHandle: UInt32 = 1
    /// dma-buf identity → handle, so that importing one dma-buf again (by
    /// any descriptor of it) gives the same handle, as the kernel's prime
    /// lookup does.
    var primeHandles: [ObjectIdentifier: UInt32] = [:]
    /// Mapping offsets handed out by MAP_DUMB.
    var mapOffsets: [UInt64: FakeGEMObject] = [:]
    /// Flip events ready to be read, oldest first.
    var events: [FakeFlipEvent] = []

    init(label: String) {
        self.label = label
    }

    /// Creates a handle for `object` (or finds the one this file has).
    func handle(for object: FakeGEMObject) -> UInt32 {
        if let existing = handles.first(where: { $0.value === object })?.key { return existing }
        let handle = nextHandle
        nextHandle += 1
        handles[handle] = object
        return handle
    }

    /// Closes a handle; false when this file has no such handle.
    func closeHandle(_ handle: UInt32) -> Bool {
        guard handles.removeValue(forKey: handle) != nil else { return false }
        primeHandles = primeHandles.filter { $0.value != handle }
        mapOffsets = mapOffsets.filter { entry in handles.values.contains { $0 === entry.value } }
        return true
    }
}
