import CDRM
import CKernelShim

#if canImport(Glibc)
import Glibc
#endif

/// The card's answers to libdrm's getters, allocated as libdrm allocates
/// them (see ``LibDRMHeap``). The lock is held.
extension FakeCard {
    func version(heap: LibDRMHeap) -> UnsafeMutablePointer<drmVersion> {
        let version = heap.allocate(drmVersion.self, kind: "drmVersion")
        let (name, date, description) = ("fakedrm", "20240101", "Fake KMS card for unit tests")
        version.pointee.version_major = 1
        version.pointee.name_len = Int32(name.utf8.count)
        version.pointee.name = heap.string(name)
        version.pointee.date_len = Int32(date.utf8.count)
        version.pointee.date = heap.string(date)
        version.pointee.desc_len = Int32(description.utf8.count)
        version.pointee.desc = heap.string(description)
        return version
    }

    /// Framebuffers are listed per file, as the kernel lists them.
    func resources(client: FakeDRMClient, heap: LibDRMHeap) -> UnsafeMutablePointer<drmModeRes> {
        let resources = heap.allocate(drmModeRes.self, kind: "drmModeRes")
        let framebufferIDs = framebuffers.values.filter { $0.owner === client }.map(\.id).sorted()
        resources.pointee.count_fbs = Int32(framebufferIDs.count)
        resources.pointee.fbs = heap.array(framebufferIDs)
        resources.pointee.count_crtcs = 1
        resources.pointee.crtcs = heap.array([Self.crtcID])
        resources.pointee.count_connectors = 1
        resources.pointee.connectors = heap.array([Self.connectorID])
        resources.pointee.count_encoders = 1
        resources.pointee.encoders = heap.array([Self.encoderID])
        resources.pointee.min_width = 20
        resources.pointee.min_height = 20
        resources.pointee.max_width = 8192
        resources.pointee.max_height = 8192
        return resources
    }

    /// Without DRM_CLIENT_CAP_UNIVERSAL_PLANES only overlay planes are listed.
    func planeResources(client: FakeDRMClient, heap: LibDRMHeap) -> UnsafeMutablePointer<drmModePlaneRes> {
        let resources = heap.allocate(drmModePlaneRes.self, kind: "drmModePlaneRes")
        let planes = planeIDs.filter { client.universalPlanes || $0 != Self.primaryPlaneID }
        resources.pointee.count_planes = UInt32(planes.count)
        resources.pointee.planes = heap.array(planes)
        return resources
    }

    func connector(_ id: UInt32, client: FakeDRMClient, heap: LibDRMHeap) throws(FakeErrno) -> UnsafeMutablePointer<drmModeConnector> {
        guard let object = objects[id], object.type == DRM_MODE_OBJECT_CONNECTOR else { throw FakeErrno(ENOENT) }
        let (propertyIDs, propertyValues) = visibleProperties(of: object, client: client)
        let modes = Self.connectorModes()
        let connector = heap.allocate(drmModeConnector.self, kind: "drmModeConnector")
        connector.pointee.connector_id = id
        connector.pointee.encoder_id = values[id]?[FakeProperty.crtc.id] == 0 ? 0 : Self.encoderID
        connector.pointee.connector_type = UInt32(DRM_MODE_CONNECTOR_VIRTUAL)
        connector.pointee.connector_type_id = 1
        connector.pointee.connection = DRM_MODE_CONNECTED
        connector.pointee.subpixel = DRM_MODE_SUBPIXEL_UNKNOWN
        connector.pointee.count_modes = Int32(modes.count)
        connector.pointee.modes = heap.array(modes)
        connector.pointee.count_props = Int32(propertyIDs.count)
        connector.pointee.props = heap.array(propertyIDs)
        connector.pointee.prop_values = heap.array(propertyValues)
        connector.pointee.count_encoders = 1
        connector.pointee.encoders = heap.array([Self.encoderID])
        return connector
    }

    func encoder(_ id: UInt32, heap: LibDRMHeap) throws(FakeErrno) -> UnsafeMutablePointer<drmModeEncoder> {
        guard objects[id]?.type == DRM_MODE_OBJECT_ENCODER else { throw FakeErrno(ENOENT) }
        let encoder = heap.allocate(drmModeEncoder.self, kind: "drmModeEncoder")
        encoder.pointee.encoder_id = id
        encoder.pointee.encoder_type = UInt32(DRM_MODE_ENCODER_VIRTUAL)
        encoder.pointee.crtc_id = UInt32(truncatingIfNeeded: values[Self.connectorID]?[FakeProperty.crtc.id] ?? 0)
        encoder.pointee.possible_crtcs = 1
        return encoder
    }

    /// The legacy view: the primary plane's framebuffer and panning, the mode.
    func crtc(_ id: UInt32, heap: LibDRMHeap) throws(FakeErrno) -> UnsafeMutablePointer<drmModeCrtc> {
        guard objects[id]?.type == DRM_MODE_OBJECT_CRTC else { throw FakeErrno(ENOENT) }
        let crtc = heap.allocate(drmModeCrtc.self, kind: "drmModeCrtc")
        let primary = values[Self.primaryPlaneID] ?? [:]
        crtc.pointee.crtc_id = id
        if primary[FakeProperty.crtc.id] == UInt64(id) {
            crtc.pointee.buffer_id = UInt32(truncatingIfNeeded: primary[FakeProperty.framebuffer.id] ?? 0)
            crtc.pointee.x = UInt32(truncatingIfNeeded: (primary[FakeProperty.sourceX.id] ?? 0) >> 16)
            crtc.pointee.y = UInt32(truncatingIfNeeded: (primary[FakeProperty.sourceY.id] ?? 0) >> 16)
        }
        if let bytes = modeBytes(of: id), let mode = Self.modeInfo(bytes) {
            crtc.pointee.mode_valid = 1
            crtc.pointee.mode = mode
            crtc.pointee.width = UInt32(mode.hdisplay)
            crtc.pointee.height = UInt32(mode.vdisplay)
        }
        return crtc
    }

    func plane(_ id: UInt32, heap: LibDRMHeap) throws(FakeErrno) -> UnsafeMutablePointer<drmModePlane> {
        guard objects[id]?.type == DRM_MODE_OBJECT_PLANE else { throw FakeErrno(ENOENT) }
        let formats = formats(ofPlane: id)
        let plane = heap.allocate(drmModePlane.self, kind: "drmModePlane")
        plane.pointee.count_formats = UInt32(formats.count)
        plane.pointee.formats = heap.array(formats)
        plane.pointee.plane_id = id
        plane.pointee.crtc_id = UInt32(truncatingIfNeeded: values[id]?[FakeProperty.crtc.id] ?? 0)
        plane.pointee.fb_id = UInt32(truncatingIfNeeded: values[id]?[FakeProperty.framebuffer.id] ?? 0)
        plane.pointee.possible_crtcs = 1
        return plane
    }

    /// Atomic-only properties are hidden from clients without the atomic cap.
    func objectProperties(
        _ id: UInt32, type: UInt32, client: FakeDRMClient, heap: LibDRMHeap
    ) throws(FakeErrno) -> UnsafeMutablePointer<drmModeObjectProperties> {
        guard let object = objects[id], type == 0 || object.type == type, !object.properties.isEmpty else { throw FakeErrno(ENOENT) }
        let (propertyIDs, propertyValues) = visibleProperties(of: object, client: client)
        let list = heap.allocate(drmModeObjectProperties.self, kind: "drmModeObjectProperties")
        list.pointee.count_props = UInt32(propertyIDs.count)
        list.pointee.props = heap.array(propertyIDs)
        list.pointee.prop_values = heap.array(propertyValues)
        return list
    }

    func property(_ id: UInt32, heap: LibDRMHeap) throws(FakeErrno) -> UnsafeMutablePointer<drmModePropertyRes> {
        guard let definition = FakeProperty.with(id: id) else { throw FakeErrno(ENOENT) }
        let property = heap.allocate(drmModePropertyRes.self, kind: "drmModePropertyRes")
        property.pointee.prop_id = id
        property.pointee.flags = definition.flags
        withUnsafeMutableBytes(of: &property.pointee.name) { bytes in
            for (index, byte) in definition.name.utf8.prefix(bytes.count - 1).enumerated() { bytes[index] = byte }
        }
        property.pointee.count_values = Int32(definition.values.count)
        property.pointee.values = heap.array(definition.values)
        if !definition.enumerators.isEmpty {
            let enumerators = definition.enumerators.map { entry in
                var item = drm_mode_property_enum()
                item.value = entry.value
                withUnsafeMutableBytes(of: &item.name) { bytes in
                    for (index, byte) in entry.name.utf8.prefix(bytes.count - 1).enumerated() { bytes[index] = byte }
                }
                return item
            }
            property.pointee.count_enums = Int32(enumerators.count)
            property.pointee.enums = heap.array(enumerators)
        }
        return property
    }

    func propertyBlob(_ id: UInt32, heap: LibDRMHeap) throws(FakeErrno) -> UnsafeMutablePointer<drmModePropertyBlobRes> {
        guard let blob = blobs[id] else { throw FakeErrno(ENOENT) }
        let result = heap.allocate(drmModePropertyBlobRes.self, kind: "drmModePropertyBlobRes")
        result.pointee.id = id
        result.pointee.length = UInt32(blob.bytes.count)
        result.pointee.data = heap.array(blob.bytes).map { UnsafeMutableRawPointer($0) }
        return result
    }

    private func visibleProperties(of object: FakeModeObject, client: FakeDRMClient) -> ([UInt32], [UInt64]) {
        let visible = object.properties.filter { client.atomic || !$0.isAtomicOnly }
        return (visible.map(\.id), visible.map { values[object.id]?[$0.id] ?? 0 })
    }
}
