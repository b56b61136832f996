import CDRM
import Platform

#if canImport(Glibc)
import Glibc
#endif

/// libdrm's property, blob and mode-object getters, and their frees.
extension FakeKernel {
    // MARK: Properties and blobs

    package func drmModeCreatePropertyBlob(_ descriptor: Int32, _ data: UnsafeRawPointer?, _ size: Int, _ id: UnsafeMutablePointer<UInt32>) -> Int32 {
        perform("drmModeCreatePropertyBlob", descriptor: descriptor, failure: -1) { file, note throws(FakeErrno) in
            let (card, client) = try cardClient(file)
            id.pointee = try card.createBlob(data, size, client: client)
            note = "\(id.pointee)"
            return 0
        }
    }

    package func drmModeDestroyPropertyBlob(_ descriptor: Int32, _ id: UInt32) -> Int32 {
        perform("drmModeDestroyPropertyBlob", descriptor: descriptor, failure: -1, detail: { _ in "\(id)" }) { file, _ throws(FakeErrno) in
            let (card, client) = try cardClient(file)
            try card.destroyBlob(id, client: client)
            return 0
        }
    }

    package func drmModeGetPropertyBlob(_ descriptor: Int32, _ id: UInt32) -> UnsafeMutablePointer<drmModePropertyBlobRes>? {
        perform("drmModeGetPropertyBlob", descriptor: descriptor, failure: nil, detail: { _ in "\(id)" }) { file, _ throws(FakeErrno) in
            try cardClient(file).0.propertyBlob(id, heap: heap)
        }
    }

    package func drmModeFreePropertyBlob(_ blob: UnsafeMutablePointer<drmModePropertyBlobRes>) {
        freeLibdrm(blob, "drmModeFreePropertyBlob") { [heap] in heap.freeArray($0.pointee.data?.assumingMemoryBound(to: UInt8.self)) }
    }

    package func drmModeObjectGetProperties(_ descriptor: Int32, _ object: UInt32, _ type: UInt32) -> UnsafeMutablePointer<drmModeObjectProperties>? {
        perform("drmModeObjectGetProperties", descriptor: descriptor, failure: nil, detail: { _ in "\(object)" }) { file, _ throws(FakeErrno) in
            let (card, client) = try cardClient(file)
            return try card.objectProperties(object, type: type, client: client, heap: heap)
        }
    }

    package func drmModeFreeObjectProperties(_ properties: UnsafeMutablePointer<drmModeObjectProperties>) {
        freeLibdrm(properties, "drmModeFreeObjectProperties") { [heap] in
            heap.freeArray($0.pointee.props)
            heap.freeArray($0.pointee.prop_values)
        }
    }

    package func drmModeGetProperty(_ descriptor: Int32, _ id: UInt32) -> UnsafeMutablePointer<drmModePropertyRes>? {
        perform("drmModeGetProperty", descriptor: descriptor, failure: nil, detail: { _ in "\(id)" }) { file, _ throws(FakeErrno) in
            try cardClient(file).0.property(id, heap: heap)
        }
    }

    package func drmModeFreeProperty(_ property: UnsafeMutablePointer<drmModePropertyRes>) {
        freeLibdrm(property, "drmModeFreeProperty") { [heap] in
            heap.freeArray($0.pointee.values)
            heap.freeArray($0.pointee.enums)
            heap.freeArray($0.pointee.blob_ids)
        }
    }

    // MARK: Describing the card

    package func drmModeGetResources(_ descriptor: Int32) -> UnsafeMutablePointer<drmModeRes>? {
        perform("drmModeGetResources", descriptor: descriptor, failure: nil) { file, _ throws(FakeErrno) in
            let (card, client) = try cardClient(file)
            return card.resources(client: client, heap: heap)
        }
    }

    package func drmModeFreeResources(_ resources: UnsafeMutablePointer<drmModeRes>) {
        freeLibdrm(resources, "drmModeFreeResources") { [heap] in
            heap.freeArray($0.pointee.fbs)
            heap.freeArray($0.pointee.crtcs)
            heap.freeArray($0.pointee.connectors)
            heap.freeArray($0.pointee.encoders)
        }
    }

    package func drmModeGetPlaneResources(_ descriptor: Int32) -> UnsafeMutablePointer<drmModePlaneRes>? {
        perform("drmModeGetPlaneResources", descriptor: descriptor, failure: nil) { file, _ throws(FakeErrno) in
            let (card, client) = try cardClient(file)
            return card.planeResources(client: client, heap: heap)
        }
    }

    package func drmModeFreePlaneResources(_ resources: UnsafeMutablePointer<drmModePlaneRes>) {
        freeLibdrm(resources, "drmModeFreePlaneResources") { [heap] in heap.freeArray($0.pointee.planes) }
    }

    package func drmModeGetConnector(_ descriptor: Int32, _ id: UInt32) -> UnsafeMutablePointer<drmModeConnector>? {
        perform("drmModeGetConnector", descriptor: descriptor, failure: nil, detail: { _ in "\(id)" }) { file, _ throws(FakeErrno) in
            let (card, client) = try cardClient(file)
            return try card.connector(id, client: client, heap: heap)
        }
    }

    package func drmModeFreeConnector(_ connector: UnsafeMutablePointer<drmModeConnector>) {
        freeLibdrm(connector, "drmModeFreeConnector") { [heap] in
            heap.freeArray($0.pointee.modes)
            heap.freeArray($0.pointee.props)
            heap.freeArray($0.pointee.prop_values)
            heap.freeArray($0.pointee.encoders)
        }
    }

    package func drmModeGetEncoder(_ descriptor: Int32, _ id: UInt32) -> UnsafeMutablePointer<drmModeEncoder>? {
        perform("drmModeGetEncoder", descriptor: descriptor, failure: nil, detail: { _ in "\(id)" }) { file, _ throws(FakeErrno) in
            try cardClient(file).0.encoder(id, heap: heap)
        }
    }

    package func drmModeFreeEncoder(_ encoder: UnsafeMutablePointer<drmModeEncoder>) {
        freeLibdrm(encoder, "drmModeFreeEncoder") { _ in }
    }

    package func drmModeGetCrtc(_ descriptor: Int32, _ id: UInt32) -> UnsafeMutablePointer<drmModeCrtc>? {
        perform("drmModeGetCrtc", descriptor: descriptor, failure: nil, detail: { _ in "\(id)" }) { file, _ throws(FakeErrno) in
            try cardClient(file).0.crtc(id, heap: heap)
        }
    }

    package func drmModeFreeCrtc(_ crtc: UnsafeMutablePointer<drmModeCrtc>) {
        freeLibdrm(crtc, "drmModeFreeCrtc") { _ in }
    }

    package func drmModeGetPlane(_ descriptor: Int32, _ id: UInt32) -> UnsafeMutablePointer<drmModePlane>? {
        perform("drmModeGetPlane", descriptor: descriptor, failure: nil, detail: { _ in "\(id)" }) { file, _ throws(FakeErrno) in
            try cardClient(file).0.plane(id, heap: heap)
        }
    }

    package func drmModeFreePlane(_ plane: UnsafeMutablePointer<drmModePlane>) {
        freeLibdrm(plane, "drmModeFreePlane") { [heap] in heap.freeArray($0.pointee.formats) }
    }
}
