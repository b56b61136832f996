import CDRM
import CKernelShim
import CV4L2

#if canImport(Glibc)
import Glibc
#endif

/// The real kernel: each requirement of ``KernelInterface`` calls the C
/// function of the same name and nothing else (names are qualified with
/// their module, because an unqualified call would find the method itself).
package struct SystemKernel: KernelInterface {
    /// The kernel every descriptor uses unless a test says otherwise.
    package static let shared: any KernelInterface = SystemKernel()

    package init() {}

    // MARK: Files

    package func stat(_ path: String, _ information: inout Glibc.stat) -> Int32 {
        // Swift resolves `Glibc.stat` to the struct, never to the function.
        fp_stat(path, &information)
    }

    package func open(_ path: String, _ flags: Int32) -> Int32 {
        Glibc.open(path, flags | O_CLOEXEC)
    }

    package func close(_ descriptor: Int32, backend: IoctlBackend) -> Int32 {
        switch backend {
        case .system: return Glibc.close(descriptor)
        case .libv4l2: return CV4L2.v4l2_close(descriptor)
        }
    }

    package func directoryEntries(_ path: String) -> [String]? {
        guard let directory = opendir(path) else { return nil }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            names.append(withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            })
        }
        return names
    }

    package func duplicate(_ descriptor: Int32) -> Int32 {
        Glibc.fcntl(descriptor, F_DUPFD_CLOEXEC, 0)
    }

    package func pipe2(_ descriptors: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32 {
        fp_pipe2(descriptors, flags)
    }

    package func read(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
        Glibc.read(descriptor, buffer, count)
    }

    package func lseek(_ descriptor: Int32, _ offset: off_t, _ whence: Int32) -> off_t {
        Glibc.lseek(descriptor, offset, whence)
    }

    package func poll(_ descriptors: UnsafeMutablePointer<pollfd>, _ count: Int, _ timeoutMilliseconds: Int32) -> Int32 {
        Glibc.poll(descriptors, nfds_t(count), timeoutMilliseconds)
    }

    package func mmap(
        _ length: Int, _ protection: Int32, _ flags: Int32, _ descriptor: Int32, _ offset: off_t, backend: IoctlBackend
    ) -> UnsafeMutableRawPointer? {
        let address: UnsafeMutableRawPointer?
        switch backend {
        case .system: address = Glibc.mmap(nil, length, protection, flags, descriptor, offset)
        case .libv4l2: address = CV4L2.v4l2_mmap(nil, length, protection, flags, descriptor, Int64(offset))
        }
        return address == MAP_FAILED ? nil : address
    }

    package func munmap(_ address: UnsafeMutableRawPointer, _ length: Int, backend: IoctlBackend) -> Int32 {
        switch backend {
        case .system: return Glibc.munmap(address, length)
        case .libv4l2: return CV4L2.v4l2_munmap(address, length)
        }
    }

    // MARK: epoll

    package func epoll_create() -> Int32 { fp_epoll_create() }

    package func epoll_add(_ epoll: Int32, _ descriptor: Int32, _ events: UInt32, _ token: UInt64) -> Int32 {
        fp_epoll_add(epoll, descriptor, events, token)
    }

    package func epoll_delete(_ epoll: Int32, _ descriptor: Int32) -> Int32 { fp_epoll_delete(epoll, descriptor) }

    package func epoll_wait(
        _ epoll: Int32, _ tokens: UnsafeMutablePointer<UInt64>, _ events: UnsafeMutablePointer<UInt32>, _ capacity: Int32,
        _ timeoutMilliseconds: Int32
    ) -> Int32 {
        fp_epoll_wait(epoll, tokens, events, capacity, timeoutMilliseconds)
    }

    // MARK: ioctl

    @inline(__always)
    package func ioctl(_ descriptor: Int32, _ request: IoctlRequest, _ argument: UnsafeMutableRawPointer?, backend: IoctlBackend) -> Int32 {
        switch backend {
        case .system: return fp_ioctl(descriptor, request.number, argument)
        case .libv4l2: return fp_v4l2_ioctl(descriptor, request.number, argument)
        }
    }

    // MARK: libv4l2

    package func v4l2_fd_open(_ descriptor: Int32, _ flags: Int32) -> Int32 {
        CV4L2.v4l2_fd_open(descriptor, flags)
    }

    // MARK: libdrm: the card

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

    // MARK: libdrm: buffers and framebuffers

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

    // MARK: libdrm: showing

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

    // MARK: libdrm: properties and blobs

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

    // MARK: libdrm: describing the card

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
