import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// A file descriptor with exactly one owner. It is closed once, in `deinit`,
/// unless ownership is given away with ``take()``.
///
/// The descriptor remembers the path it was opened from so that every error
/// raised through it can name the device, and which library must close it and
/// carry its ioctls: a V4L2 node opened through libv4l2 has to be closed with
/// `v4l2_close` and driven with `v4l2_ioctl`, anything else with the plain
/// system calls. It also carries the kernel its calls go to (the system's,
/// or a test's fake), and every descriptor derived from it inherits that.
package struct OwnedFD: ~Copyable, Sendable {
    /// The kernel's number for this descriptor. Valid for as long as `self` lives.
    package private(set) var rawValue: Int32
    /// The path the descriptor was opened from, used in error messages.
    package let path: String
    /// Whose ioctl and close this descriptor needs.
    package let backend: IoctlBackend
    /// Where this descriptor's calls go.
    package let kernel: any KernelInterface

    /// Takes ownership of `rawValue`, a descriptor of the real kernel.
    package init(adopting rawValue: Int32, path: String) {
        self.init(adopting: rawValue, path: path, backend: .system, kernel: SystemKernel.shared)
    }

    /// Takes ownership of `rawValue`, a descriptor of `kernel`.
    package init(adopting rawValue: Int32, path: String, backend: IoctlBackend = .system, kernel: any KernelInterface) {
        self.rawValue = rawValue
        self.path = path
        self.backend = backend
        self.kernel = kernel
    }

    /// Opens `path` read-write, non-blocking and close-on-exec.
    ///
    /// Errors name the path and the failing call (`open`), with the errno the
    /// kernel gave (ENOENT, EACCES, EBUSY, ...).
    package static func open(_ path: String, nonBlocking: Bool = true) throws(DeviceError) -> OwnedFD {
        try open(path, nonBlocking: nonBlocking, kernel: SystemKernel.shared)
    }

    /// ``open(_:nonBlocking:)`` on `kernel`.
    package static func open(_ path: String, nonBlocking: Bool = true, kernel: any KernelInterface) throws(DeviceError) -> OwnedFD {
        let flags = O_RDWR | O_CLOEXEC | (nonBlocking ? O_NONBLOCK : 0)
        let descriptor = try checkedCall("open", device: path) { kernel.open(path, flags) }
        return OwnedFD(adopting: descriptor, path: path, kernel: kernel)
    }

    /// Adopts a descriptor that a call on this one produced (an exported
    /// dma-buf, a fence): same kernel, plain system calls.
    package func derived(_ rawValue: Int32, path: String) -> OwnedFD {
        OwnedFD(adopting: rawValue, path: path, kernel: kernel)
    }

    /// Gives up ownership without closing: the caller now owns the number.
    package consuming func take() -> Int32 {
        let fd = rawValue
        // `discard` is not available for a type holding a String, so mark
        // the descriptor as given away; `deinit` then closes nothing.
        rawValue = -1
        return fd
    }

    /// Hands the descriptor to a new backend (used when libv4l2 adopts a
    /// plain fd with `v4l2_fd_open`, after which libv4l2 must close it).
    package consuming func rebound(to backend: IoctlBackend) -> OwnedFD {
        let path = self.path
        let kernel = self.kernel
        return OwnedFD(adopting: take(), path: path, backend: backend, kernel: kernel)
    }

    /// Closes the descriptor now rather than when its owner goes away
    /// (a camera that was unplugged: its driver module cannot be unloaded
    /// while a descriptor is open). Later calls on it fail with EBADF.
    package mutating func close() {
        guard rawValue >= 0 else { return }
        _ = kernel.close(rawValue, backend: backend)
        rawValue = -1
    }

    deinit {
        // close(2) releases the descriptor even when it reports an error
        // (EINTR, EIO on NFS): retrying could close someone else's number.
        if rawValue >= 0 { _ = kernel.close(rawValue, backend: backend) }
    }
}
