import CDRM

#if canImport(Glibc)
import Glibc
#endif

/// The one seam between framepipe and the kernel: every system call,
/// libv4l2 call and libdrm call the library makes goes through a value of
/// this protocol, which each ``OwnedFD`` carries. The product uses
/// ``SystemKernel``; unit tests use a scripted fake kernel (swift-nio's
/// syscall abstraction layer and swift-system's mocking driver are the
/// models) that checks the exact calls and injects errors, on any machine.
///
/// The requirements mirror the C functions they stand for, with their
/// names, arguments and conventions: a failure is a negative return (or
/// nil, or `MAP_FAILED`) with `errno` set. The callers turn that into a
/// ``DeviceError`` in one place (the ioctl funnel, ``checkedCall(_:device:_:)``);
/// no requirement retries EINTR or interprets an errno itself.
///
/// Clocks are deliberately not part of the seam: they are not device calls
/// and a fake gains nothing from them.
package protocol KernelInterface: Sendable {
    // MARK: Files

    /// `stat(2)`.
    func stat(_ path: String, _ information: inout Glibc.stat) -> Int32
    /// `open(2)`; the descriptor is close-on-exec whatever `flags` say.
    func open(_ path: String, _ flags: Int32) -> Int32
    /// `close(2)`, or `v4l2_close` for a descriptor libv4l2 adopted.
    func close(_ descriptor: Int32, backend: IoctlBackend) -> Int32
    /// The names in a directory (`opendir`/`readdir`), nil when it cannot be read.
    func directoryEntries(_ path: String) -> [String]?
    /// `fcntl(F_DUPFD_CLOEXEC)`: a second descriptor for the same open file.
    func duplicate(_ descriptor: Int32) -> Int32
    /// `pipe2(2)`; `descriptors` receives the read and the write end.
    func pipe2(_ descriptors: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32
    /// `read(2)`.
    func read(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int
    /// `lseek(2)`.
    func lseek(_ descriptor: Int32, _ offset: off_t, _ whence: Int32) -> off_t
    /// `poll(2)`.
    func poll(_ descriptors: UnsafeMutablePointer<pollfd>, _ count: Int, _ timeoutMilliseconds: Int32) -> Int32
    /// `mmap(2)` of a shared mapping (or `v4l2_mmap`); `MAP_FAILED` on failure.
    func mmap(
        _ length: Int, _ protection: Int32, _ flags: Int32, _ descriptor: Int32, _ offset: off_t, backend: IoctlBackend
    ) -> UnsafeMutableRawPointer?
    /// `munmap(2)` (or `v4l2_munmap`).
    func munmap(_ address: UnsafeMutableRawPointer, _ length: Int, backend: IoctlBackend) -> Int32

    // MARK: epoll (see ReadinessSet)

    /// `epoll_create1(EPOLL_CLOEXEC)`.
    func epoll_create() -> Int32
    /// `epoll_ctl(EPOLL_CTL_ADD)`: watch `descriptor` for `events`; a wait
    /// reports it with `token`.
    func epoll_add(_ epoll: Int32, _ descriptor: Int32, _ events: UInt32, _ token: UInt64) -> Int32
    /// `epoll_ctl(EPOLL_CTL_DEL)`.
    func epoll_delete(_ epoll: Int32, _ descriptor: Int32) -> Int32
    /// `epoll_wait(2)`: up to `capacity` ready descriptors, as their tokens
    /// and the events each reported.
    func epoll_wait(
        _ epoll: Int32, _ tokens: UnsafeMutablePointer<UInt64>, _ events: UnsafeMutablePointer<UInt32>, _ capacity: Int32,
        _ timeoutMilliseconds: Int32
    ) -> Int32

    // MARK: ioctl

    /// `ioctl(2)`, or `v4l2_ioctl` for a descriptor libv4l2 adopted. The
    /// request carries its name so that a fake can log it readably.
    func ioctl(_ descriptor: Int32, _ request: IoctlRequest, _ argument: UnsafeMutableRawPointer?, backend: IoctlBackend) -> Int32

    // MARK: libv4l2

    /// `v4l2_fd_open`: libv4l2 takes over `descriptor` (then
    /// ``IoctlBackend/libv4l2`` must carry its ioctls and its close).
    func v4l2_fd_open(_ descriptor: Int32, _ flags: Int32) -> Int32

    // MARK: libdrm: the card

    func drmGetNodeTypeFromFd(_ descriptor: Int32) -> Int32
    func drmSetClientCap(_ descriptor: Int32, _ capability: UInt64, _ value: UInt64) -> Int32
    func drmGetCap(_ descriptor: Int32, _ capability: UInt64, _ value: UnsafeMutablePointer<UInt64>) -> Int32
    func drmGetVersion(_ descriptor: Int32) -> UnsafeMutablePointer<drmVersion>?
    func drmFreeVersion(_ version: UnsafeMutablePointer<drmVersion>)
    func drmSetMaster(_ descriptor: Int32) -> Int32
    func drmDropMaster(_ descriptor: Int32) -> Int32

    // MARK: libdrm: buffers and framebuffers

    func drmPrimeFDToHandle(_ descriptor: Int32, _ primeDescriptor: Int32, _ handle: UnsafeMutablePointer<UInt32>) -> Int32
    func drmPrimeHandleToFD(_ descriptor: Int32, _ handle: UInt32, _ flags: UInt32, _ primeDescriptor: UnsafeMutablePointer<Int32>) -> Int32
    /// `drmModeAddFB2WithModifiers` when `modifiers` is given, else `drmModeAddFB2`.
    func drmModeAddFB2(
        _ descriptor: Int32, _ width: UInt32, _ height: UInt32, _ format: UInt32,
        _ handles: UnsafePointer<UInt32>, _ pitches: UnsafePointer<UInt32>, _ offsets: UnsafePointer<UInt32>,
        _ modifiers: UnsafePointer<UInt64>?, _ framebuffer: UnsafeMutablePointer<UInt32>, _ flags: UInt32
    ) -> Int32
    func drmModeRmFB(_ descriptor: Int32, _ framebuffer: UInt32) -> Int32

    // MARK: libdrm: showing

    func drmModePageFlip(_ descriptor: Int32, _ crtc: UInt32, _ framebuffer: UInt32, _ flags: UInt32, _ userData: UnsafeMutableRawPointer?) -> Int32
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

    // MARK: libdrm: properties and blobs

    func drmModeCreatePropertyBlob(_ descriptor: Int32, _ data: UnsafeRawPointer?, _ size: Int, _ id: UnsafeMutablePointer<UInt32>) -> Int32
    func drmModeDestroyPropertyBlob(_ descriptor: Int32, _ id: UInt32) -> Int32
    func drmModeGetPropertyBlob(_ descriptor: Int32, _ id: UInt32) -> UnsafeMutablePointer<drmModePropertyBlobRes>?
    func drmModeFreePropertyBlob(_ blob: UnsafeMutablePointer<drmModePropertyBlobRes>)
    func drmModeObjectGetProperties(_ descriptor: Int32, _ object: UInt32, _ type: UInt32) -> UnsafeMutablePointer<drmModeObjectProperties>?
    func drmModeFreeObjectProperties(_ properties: UnsafeMutablePointer<drmModeObjectProperties>)
    func drmModeGetProperty(_ descriptor: Int32, _ id: UInt32) -> UnsafeMutablePointer<drmModePropertyRes>?
    func drmModeFreeProperty(_ property: UnsafeMutablePointer<drmModePropertyRes>)

    // MARK: libdrm: describing the card

    func drmModeGetResources(_ descriptor: Int32) -> UnsafeMutablePointer<drmModeRes>?
    func drmModeFreeResources(_ resources: UnsafeMutablePointer<drmModeRes>)
    func drmModeGetPlaneResources(_ descriptor: Int32) -> UnsafeMutablePointer<drmModePlaneRes>?
    func drmModeFreePlaneResources(_ resources: UnsafeMutablePointer<drmModePlaneRes>)
    func drmModeGetConnector(_ descriptor: Int32, _ id: UInt32) -> UnsafeMutablePointer<drmModeConnector>?
    func drmModeFreeConnector(_ connector: UnsafeMutablePointer<drmModeConnector>)
    func drmModeGetEncoder(_ descriptor: Int32, _ id: UInt32) -> UnsafeMutablePointer<drmModeEncoder>?
    func drmModeFreeEncoder(_ encoder: UnsafeMutablePointer<drmModeEncoder>)
    func drmModeGetCrtc(_ descriptor: Int32, _ id: UInt32) -> UnsafeMutablePointer<drmModeCrtc>?
    func drmModeFreeCrtc(_ crtc: UnsafeMutablePointer<drmModeCrtc>)
    func drmModeGetPlane(_ descriptor: Int32, _ id: UInt32) -> UnsafeMutablePointer<drmModePlane>?
    func drmModeFreePlane(_ plane: UnsafeMutablePointer<drmModePlane>)
}
