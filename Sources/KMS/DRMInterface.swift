import CDRM
import Platform

/// The seam between the KMS module and libdrm: every libdrm call framepipe
/// makes goes through a value of this protocol, which each ``Card``
/// carries. The product uses ``SystemDRM``; unit tests use the scripted
/// fake kernel, which implements these calls beside Platform's
/// `KernelInterface` (the generic system calls: open, ioctl, poll, mmap,
/// read...) and so serves as both.
///
/// The requirements mirror the C functions they stand for, with their
/// names, arguments and conventions: a failure is a negative return (or
/// nil) with `errno` set. The callers turn that into a `DeviceError` in one
/// place (Platform's `checkedCall`, or ``fetchObject(_:device:_:)``); no
/// requirement retries EINTR or interprets an errno itself.
package protocol DRMInterface: Sendable {
    // MARK: The card

    /// `drmGetNodeTypeFromFd`: primary, control or render node.
    func drmGetNodeTypeFromFd(_ descriptor: Int32) -> Int32
    /// `drmSetClientCap`.
    func drmSetClientCap(_ descriptor: Int32, _ capability: UInt64, _ value: UInt64) -> Int32
    /// `drmGetCap`.
    func drmGetCap(_ descriptor: Int32, _ capability: UInt64, _ value: UnsafeMutablePointer<UInt64>) -> Int32
    /// `drmGetVersion`; free the result with ``drmFreeVersion(_:)``.
    func drmGetVersion(_ descriptor: Int32) -> UnsafeMutablePointer<drmVersion>?
    /// `drmFreeVersion`.
    func drmFreeVersion(_ version: UnsafeMutablePointer<drmVersion>)
    /// `drmSetMaster`.
    func drmSetMaster(_ descriptor: Int32) -> Int32
    /// `drmDropMaster`.
    func drmDropMaster(_ descriptor: Int32) -> Int32

    // MARK: Buffers and framebuffers

    /// `drmPrimeFDToHandle`: a dma-buf as a GEM handle of this descriptor.
    func drmPrimeFDToHandle(_ descriptor: Int32, _ primeDescriptor: Int32, _ handle: UnsafeMutablePointer<UInt32>) -> Int32
    /// `drmPrimeHandleToFD`: a GEM handle shared as a dma-buf.
    func drmPrimeHandleToFD(_ descriptor: Int32, _ handle: UInt32, _ flags: UInt32, _ primeDescriptor: UnsafeMutablePointer<Int32>) -> Int32
    /// `drmModeAddFB2WithModifiers` when `modifiers` is given, else `drmModeAddFB2`.
    func drmModeAddFB2(
        _ descriptor: Int32, _ width: UInt32, _ height: UInt32, _ format: UInt32,
        _ handles: UnsafePointer<UInt32>, _ pitches: UnsafePointer<UInt32>, _ offsets: UnsafePointer<UInt32>,
        _ modifiers: UnsafePointer<UInt64>?, _ framebuffer: UnsafeMutablePointer<UInt32>, _ flags: UInt32
    ) -> Int32
    /// `drmModeRmFB`.
    func drmModeRmFB(_ descriptor: Int32, _ framebuffer: UInt32) -> Int32

    // MARK: Showing

    /// `drmModePageFlip`.
    func drmModePageFlip(_ descriptor: Int32, _ crtc: UInt32, _ framebuffer: UInt32, _ flags: UInt32, _ userData: UnsafeMutableRawPointer?) -> Int32
    /// `drmModeSetCrtc`.
    func drmModeSetCrtc(
        _ descriptor: Int32, _ crtc: UInt32, _ framebuffer: UInt32, _ x: UInt32, _ y: UInt32,
        _ connectors: UnsafeMutablePointer<UInt32>?, _ count: Int32, _ mode: UnsafeMutablePointer<drmModeModeInfo>?
    ) -> Int32
    /// `drmHandleEvent`: reads the waiting events and calls the context's handlers.
    func drmHandleEvent(_ descriptor: Int32, _ context: UnsafeMutablePointer<drmEventContext>) -> Int32
    /// `drmCrtcGetSequence`: the CRTC's vblank count and the CLOCK_MONOTONIC
    /// time of its last vblank (`DRM_IOCTL_CRTC_GET_SEQUENCE`).
    func drmCrtcGetSequence(
        _ descriptor: Int32, _ crtc: UInt32, _ sequence: UnsafeMutablePointer<UInt64>, _ nanoseconds: UnsafeMutablePointer<UInt64>
    ) -> Int32

    // MARK: Properties and blobs

    /// `drmModeCreatePropertyBlob`.
    func drmModeCreatePropertyBlob(_ descriptor: Int32, _ data: UnsafeRawPointer?, _ size: Int, _ id: UnsafeMutablePointer<UInt32>) -> Int32
    /// `drmModeDestroyPropertyBlob`.
    func drmModeDestroyPropertyBlob(_ descriptor: Int32, _ id: UInt32) -> Int32
    /// `drmModeGetPropertyBlob`; free the result with ``drmModeFreePropertyBlob(_:)``.
    func drmModeGetPropertyBlob(_ descriptor: Int32, _ id: UInt32) -> UnsafeMutablePointer<drmModePropertyBlobRes>?
    /// `drmModeFreePropertyBlob`.
    func drmModeFreePropertyBlob(_ blob: UnsafeMutablePointer<drmModePropertyBlobRes>)
    /// `drmModeObjectGetProperties`; free the result with ``drmModeFreeObjectProperties(_:)``.
    func drmModeObjectGetProperties(_ descriptor: Int32, _ object: UInt32, _ type: UInt32) -> UnsafeMutablePointer<drmModeObjectProperties>?
    /// `drmModeFreeObjectProperties`.
    func drmModeFreeObjectProperties(_ properties: UnsafeMutablePointer<drmModeObjectProperties>)
    /// `drmModeGetProperty`; free the result with ``drmModeFreeProperty(_:)``.
    func drmModeGetProperty(_ descriptor: Int32, _ id: UInt32) -> UnsafeMutablePointer<drmModePropertyRes>?
    /// `drmModeFreeProperty`.
    func drmModeFreeProperty(_ property: UnsafeMutablePointer<drmModePropertyRes>)

    // MARK: Describing the card

    /// `drmModeGetResources`.
    func drmModeGetResources(_ descriptor: Int32) -> UnsafeMutablePointer<drmModeRes>?
    /// `drmModeFreeResources`.
    func drmModeFreeResources(_ resources: UnsafeMutablePointer<drmModeRes>)
    /// `drmModeGetPlaneResources`.
    func drmModeGetPlaneResources(_ descriptor: Int32) -> UnsafeMutablePointer<drmModePlaneRes>?
    /// `drmModeFreePlaneResources`.
    func drmModeFreePlaneResources(_ resources: UnsafeMutablePointer<drmModePlaneRes>)
    /// `drmModeGetConnector`.
    func drmModeGetConnector(_ descriptor: Int32, _ id: UInt32) -> UnsafeMutablePointer<drmModeConnector>?
    /// `drmModeFreeConnector`.
    func drmModeFreeConnector(_ connector: UnsafeMutablePointer<drmModeConnector>)
    /// `drmModeGetEncoder`.
    func drmModeGetEncoder(_ descriptor: Int32, _ id: UInt32) -> UnsafeMutablePointer<drmModeEncoder>?
    /// `drmModeFreeEncoder`.
    func drmModeFreeEncoder(_ encoder: UnsafeMutablePointer<drmModeEncoder>)
    /// `drmModeGetCrtc`.
    func drmModeGetCrtc(_ descriptor: Int32, _ id: UInt32) -> UnsafeMutablePointer<drmModeCrtc>?
    /// `drmModeFreeCrtc`.
    func drmModeFreeCrtc(_ crtc: UnsafeMutablePointer<drmModeCrtc>)
    /// `drmModeGetPlane`.
    func drmModeGetPlane(_ descriptor: Int32, _ id: UInt32) -> UnsafeMutablePointer<drmModePlane>?
    /// `drmModeFreePlane`.
    func drmModeFreePlane(_ plane: UnsafeMutablePointer<drmModePlane>)
}
