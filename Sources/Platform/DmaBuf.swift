import CKernelShim
import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// A dma-buf: a kernel buffer shared between devices by file descriptor.
///
/// The descriptor has one owner, this object; the object itself is shared by
/// reference (libcamera's `SharedFD` idea). Whoever needs the buffer to stay
/// alive (the capture stream, the display's framebuffer cache, a frame on
/// screen) keeps a reference, and the descriptor is closed when the last
/// reference goes away. Closing the descriptor does not free the memory while
/// a device still holds an attachment (a KMS framebuffer, a queued V4L2
/// buffer); the kernel counts those references itself.
///
/// framepipe never maps a dma-buf into its own address space: zero copy means
/// the CPU never touches frame memory.
package final class DmaBuf: Sendable, CustomStringConvertible {
    /// The owned descriptor. Its `path` says where the buffer came from
    /// ("/dev/video0 buffer 2 plane 0 (dma-buf)"), for error messages.
    package let fd: OwnedFD

    /// Takes ownership of an exported dma-buf descriptor.
    package convenience init(adopting rawValue: Int32, origin: String) {
        self.init(OwnedFD(adopting: rawValue, path: origin))
    }

    /// Takes ownership of a descriptor already wrapped (one that a device
    /// exported through the same kernel seam).
    package init(_ fd: consuming OwnedFD) {
        self.fd = fd
    }

    /// Duplicates a descriptor that someone else owns (close-on-exec), so
    /// that the caller may close its own copy whenever it likes.
    ///
    /// The corresponding call is `fcntl(F_DUPFD_CLOEXEC)`.
    package static func duplicating(_ borrowed: Int32, origin: String) throws(DeviceError) -> DmaBuf {
        try duplicating(borrowed, origin: origin, kernel: SystemKernel.shared)
    }

    /// ``duplicating(_:origin:)`` on `kernel`.
    package static func duplicating(_ borrowed: Int32, origin: String, kernel: any KernelInterface) throws(DeviceError) -> DmaBuf {
        let copy = try checkedCall("fcntl(F_DUPFD_CLOEXEC)", device: origin) { kernel.duplicate(borrowed) }
        return DmaBuf(OwnedFD(adopting: copy, path: origin, kernel: kernel))
    }

    /// The kernel's number for the descriptor, valid while this object lives.
    package var rawValue: Int32 { fd.rawValue }

    /// Where the buffer came from, as given when it was adopted.
    package var origin: String { fd.path }

    /// The size of the buffer in bytes. A dma-buf reports its size as the
    /// end offset of the file; nothing is read or mapped. The offset is put
    /// back to the start afterwards.
    ///
    /// The corresponding call is `lseek` (`SEEK_END`, then `SEEK_SET`).
    package func size() throws(DeviceError) -> Int {
        let kernel = fd.kernel
        let descriptor = fd.rawValue
        func seek(_ whence: Int32) throws(DeviceError) -> off_t {
            let offset = kernel.lseek(descriptor, 0, whence)
            guard offset >= 0 else { throw DeviceError(call: "lseek", errno: Errno(rawValue: errno), device: origin) }
            return offset
        }
        let end = try seek(SEEK_END)
        _ = try seek(SEEK_SET)
        return Int(end)
    }

    /// "dma-buf fd N (origin)".
    package var description: String { "dma-buf fd \(rawValue) (\(origin))" }

    /// Starts a CPU read of this buffer's mapping: the kernel makes what
    /// the device wrote visible to the CPU (caches invalidated where the
    /// memory is not coherent). Pair with ``endCPURead()``. Allocates nothing.
    ///
    /// The corresponding ioctl is `DMA_BUF_IOCTL_SYNC` (`DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ`).
    package func beginCPURead() throws(DeviceError) {
        var flags = fp_DMA_BUF_SYNC_START | fp_DMA_BUF_SYNC_READ
        try fd.control(.dmaBufSync, &flags)
    }

    /// Ends the CPU read begun with ``beginCPURead()``.
    ///
    /// The corresponding ioctl is `DMA_BUF_IOCTL_SYNC` (`DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ`).
    package func endCPURead() throws(DeviceError) {
        var flags = fp_DMA_BUF_SYNC_END | fp_DMA_BUF_SYNC_READ
        try fd.control(.dmaBufSync, &flags)
    }
}

extension IoctlRequest {
    /// `DMA_BUF_IOCTL_SYNC`: brackets CPU access to a mapped dma-buf.
    static let dmaBufSync = IoctlRequest("DMA_BUF_IOCTL_SYNC", fp_DMA_BUF_IOCTL_SYNC)
}
