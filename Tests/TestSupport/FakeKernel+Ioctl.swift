import CKernelShim
import Platform

#if canImport(Glibc)
import Glibc
#endif

/// ioctls and libv4l2's adoption of a descriptor, dispatched to the device
/// behind the descriptor.
extension FakeKernel {
    /// Every ioctl lands here, traced under the request's name; the device
    /// decodes the argument by the request's number.
    package func ioctl(_ descriptor: Int32, _ request: IoctlRequest, _ argument: UnsafeMutableRawPointer?, backend: IoctlBackend) -> Int32 {
        perform(request.name, descriptor: descriptor, failure: -1, detail: { file in
            switch file?.target {
            case .camera(let camera)?: return camera.describe(request, argument)
            case .card?: return FakeCard.describe(request, argument)
            default: return ""
            }
        }) { file, note throws(FakeErrno) in
            guard let file else { throw FakeErrno(EBADF) }
            if file.adoptedByLibV4L2 != (backend == .libv4l2) {
                violation("\(request.name) on \(file.label) through \(backend == .libv4l2 ? "v4l2_ioctl" : "ioctl"), but it was \(file.adoptedByLibV4L2 ? "" : "not ")adopted by v4l2_fd_open")
            }
            guard argument != nil else { throw FakeErrno(EFAULT) }
            switch file.target {
            case .camera(let camera): return try camera.ioctl(request, argument, file: file, kernel: self, note: &note)
            case .card(let card): return try card.ioctl(request, argument, file: file, kernel: self, note: &note)
            case .dmabuf:
                // Brackets CPU access (the copy path's reads): nothing to flush here.
                guard request.number == fp_DMA_BUF_IOCTL_SYNC else { throw FakeErrno(ENOTTY) }
                return 0
            case .pipe, .epoll, .event: throw FakeErrno(ENOTTY)
            }
        }
    }

    /// libv4l2 takes the descriptor over (it checks with VIDIOC_QUERYCAP
    /// that it is a V4L2 node first, which is not traced separately). On a
    /// node that offers multiplanar capture only, libv4l2 would load its
    /// mplane plugin and hide the MPLANE API, which framepipe relies on:
    /// that is recorded as a violation.
    package func v4l2_fd_open(_ descriptor: Int32, _ flags: Int32) -> Int32 {
        perform("v4l2_fd_open", descriptor: descriptor, failure: -1, detail: { $0?.label ?? "\(descriptor)" }) { file, _ throws(FakeErrno) in
            guard let file else { throw FakeErrno(EBADF) }
            guard case .camera(let camera) = file.target else { throw FakeErrno(ENOTTY) }
            if camera.configuration.multiplanar {
                violation("v4l2_fd_open of \(file.label), a multiplanar-only node: libv4l2 would emulate single-planar")
            }
            file.adoptedByLibV4L2 = true
            return descriptor
        }
    }
}
