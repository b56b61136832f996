import CDRM

/// libdrm itself: each requirement of ``DRMInterface`` calls the C function
/// of the same name and nothing else (names are qualified with their module,
/// because an unqualified call would find the method itself).
package struct SystemDRM: DRMInterface {
    /// The libdrm every card uses unless a test says otherwise.
    package static let shared: any DRMInterface = SystemDRM()

    package init() {}

    // MARK: The card

    package func drmGetNodeTypeFromFd(_ descriptor: Int32) -> Int32 { CDRM.drmGetNodeTypeFromFd(descriptor) }

    package func drmSetClientCap(_ descriptor: Int32, _ capability: UInt64, _ value: UInt64) -> Int32 {
        CDRM.drmSetClientCap(descriptor, capability, value)
    }

    package func drmGetCap(_ descriptor: Int32, _ capability: UInt64, _ value: UnsafeMutablePointer<UInt64>) -> Int32 {
        CDRM.drmGetCap(descriptor, capability, value)
    }

    package func drmGetVersion(_ descriptor: Int32) -> UnsafeMutablePointer<drmVersion>? { CDRM.drmGetVersion(descriptor) }
    package func drmFreeVersion(_ version: UnsafeMutablePointer<drmVersion>) { CDRM.drmFreeVersion(version) }
    package func drmSetMaster(_ descriptor: Int32) -> Int32 { CDRM.drmSetMaster(descriptor) }
    package func drmDropMaster(_ descriptor: Int32) -> Int32 { CDRM.drmDropMaster(descriptor) }

    // MARK: Buffers and framebuffers

    package func drmPrimeFDToHandle(_ descriptor: Int32, _ primeDescriptor: Int32, _ handle: UnsafeMutablePointer<UInt32>) -> Int32 {
        CDRM.drmPrimeFDToHandle(descriptor, primeDescriptor, handle)
    }

    package func drmPrimeHandleToFD(_ descriptor: Int32, _ handle: UInt32, _ flags: UInt32, _ primeDescriptor: UnsafeMutablePointer<Int32>) -> Int32 {
        CDRM.drmPrimeHandleToFD(descriptor, handle, flags, primeDescriptor)
    }

    package func drmModeAddFB2(
        _ descriptor: Int32, _ width: UInt32, _ height: UInt32, _ format: UInt32,
        _ handles: UnsafePointer<UInt32>, _ pitches: UnsafePointer<UInt32>, _ offsets: UnsafePointer<UInt32>,
        _ modifiers: UnsafePointer<UInt64>?, _ framebuffer: UnsafeMutablePointer<UInt32>, _ flags: UInt32
    ) -> Int32 {
        if let modifiers {
            return CDRM.drmModeAddFB2WithModifiers(descriptor, width, height, format, handles, pitches, offsets, modifiers, framebuffer, flags)
        }
        return CDRM.drmModeAddFB2(descriptor, width, height, format, handles, pitches, offsets, framebuffer, flags)
    }

    package func drmModeRmFB(_ descriptor: Int32, _ framebuffer: UInt32) -> Int32 { CDRM.drmModeRmFB(descriptor, framebuffer) }

    // MARK: Showing

    package func drmModePageFlip(
        _ descriptor: Int32, _ crtc: UInt32, _ framebuffer: UInt32, _ flags: UInt32, _ userData: UnsafeMutableRawPointer?
    ) -> Int32 {
        CDRM.drmModePageFlip(descriptor, crtc, framebuffer, flags, userData)
    }

    package func drmModeSetCrtc(
        _ descriptor: Int32, _ crtc: UInt32, _ framebuffer: UInt32, _ x: UInt32, _ y: UInt32,
        _ connectors: UnsafeMutablePointer<UInt32>?, _ count: Int32, _ mode: UnsafeMutablePointer<drmModeModeInfo>?
    ) -> Int32 {
        CDRM.drmModeSetCrtc(descriptor, crtc, framebuffer, x, y, connectors, count, mode)
    }

    package func drmHandleEvent(_ descriptor: Int32, _ context: UnsafeMutablePointer<drmEventContext>) -> Int32 {
        CDRM.drmHandleEvent(descriptor, context)
    }

    package func drmCrtcGetSequence(
        _ descriptor: Int32, _ crtc: UInt32, _ sequence: UnsafeMutablePointer<UInt64>, _ nanoseconds: UnsafeMutablePointer<UInt64>
    ) -> Int32 {
        CDRM.drmCrtcGetSequence(descriptor, crtc, sequence, nanoseconds)
    }

    // MARK: Properties and blobs

    package func drmModeCreatePropertyBlob(_ descriptor: Int32, _ data: UnsafeRawPointer?, _ size: Int, _ id: UnsafeMutablePointer<UInt32>) -> Int32 {
        CDRM.drmModeCreatePropertyBlob(descriptor, data, size, id)
    }

    package func drmModeDestroyPropertyBlob(_ descriptor: Int32, _ id: UInt32) -> Int32 {
        CDRM.drmModeDestroyPropertyBlob(descriptor, id)
    }

    package func drmModeGetPropertyBlob(_ descriptor: Int32, _ id: UInt32) -> UnsafeMutablePointer<drmModePropertyBlobRes>? {
        CDRM.drmModeGetPropertyBlob(descriptor, id)
    }

    package func drmModeFreePropertyBlob(_ blob: UnsafeMutablePointer<drmModePropertyBlobRes>) { CDRM.drmModeFreePropertyBlob(blob) }

    package func drmModeObjectGetProperties(_ descriptor: Int32, _ object: UInt32, _ type: UInt32) -> UnsafeMutablePointer<drmModeObjectProperties>? {
        CDRM.drmModeObjectGetProperties(descriptor, object, type)
    }

    package func drmModeFreeObjectProperties(_ properties: UnsafeMutablePointer<drmModeObjectProperties>) {
        CDRM.drmModeFreeObjectProperties(properties)
    }

    package func drmModeGetProperty(_ descriptor: Int32, _ id: UInt32) -> UnsafeMutablePointer<drmModePropertyRes>? {
        CDRM.drmModeGetProperty(descriptor, id)
    }

    package func drmModeFreeProperty(_ property: UnsafeMutablePointer<drmModePropertyRes>) { CDRM.drmModeFreeProperty(property) }

    // MARK: Describing the card

    package func drmModeGetResources(_ descriptor: Int32) -> UnsafeMutablePointer<drmModeRes>? { CDRM.drmModeGetResources(descriptor) }
    package func drmModeFreeResources(_ resources: UnsafeMutablePointer<drmModeRes>) { CDRM.drmModeFreeResources(resources) }
    package func drmModeGetPlaneResources(_ descriptor: Int32) -> UnsafeMutablePointer<drmModePlaneRes>? { CDRM.drmModeGetPlaneResources(descriptor) }
    package func drmModeFreePlaneResources(_ resources: UnsafeMutablePointer<drmModePlaneRes>) { CDRM.drmModeFreePlaneResources(resources) }
    package func drmModeGetConnector(_ descriptor: Int32, _ id: UInt32) -> UnsafeMutablePointer<drmModeConnector>? {
        CDRM.drmModeGetConnector(descriptor, id)
    }
    package func drmModeFreeConnector(_ connector: UnsafeMutablePointer<drmModeConnector>) { CDRM.drmModeFreeConnector(connector) }
    package func drmModeGetEncoder(_ descriptor: Int32, _ id: UInt32) -> UnsafeMutablePointer<drmModeEncoder>? { CDRM.drmModeGetEncoder(descriptor, id) }
    package func drmModeFreeEncoder(_ encoder: UnsafeMutablePointer<drmModeEncoder>) { CDRM.drmModeFreeEncoder(encoder) }
    package func drmModeGetCrtc(_ descriptor: Int32, _ id: UInt32) -> UnsafeMutablePointer<drmModeCrtc>? { CDRM.drmModeGetCrtc(descriptor, id) }
    package func drmModeFreeCrtc(_ crtc: UnsafeMutablePointer<drmModeCrtc>) { CDRM.drmModeFreeCrtc(crtc) }
    package func drmModeGetPlane(_ descriptor: Int32, _ id: UInt32) -> UnsafeMutablePointer<drmModePlane>? { CDRM.drmModeGetPlane(descriptor, id) }
    package func drmModeFreePlane(_ plane: UnsafeMutablePointer<drmModePlane>) { CDRM.drmModeFreePlane(plane) }
}
