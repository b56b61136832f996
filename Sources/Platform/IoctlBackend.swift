import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// The library that carries a descriptor's ioctls and closes it.
package enum IoctlBackend: Sendable, Hashable {
    /// Plain `ioctl(2)` and `close(2)`.
    case system
    /// libv4l2's `v4l2_ioctl` and `v4l2_close`, for descriptors registered
    /// with `v4l2_fd_open`.
    case libv4l2
}
