import CKernelShim
import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// A dma-buf heap (`/dev/dma_heap/NAME`): memory that no device owns, handed
/// out as dma-bufs any device can import. "system" gives scattered pages,
/// "linux,cma" physically contiguous ones (what displays that cannot scatter
/// need). A heap belongs neither to the camera nor to the display, which is
/// the point: when neither can import the other's memory, both may import
/// the heap's.
package final class DmaHeap {
    /// Where the kernel puts heap nodes.
    package static let directory = "/dev/dma_heap"

    /// The heap's name ("system", "linux,cma").
    package let name: String
    let fd: OwnedFD

    private init(name: String, fd: consuming OwnedFD) {
        self.name = name
        self.fd = fd
    }

    /// The heaps this machine offers, by name; empty when the kernel has
    /// none (`CONFIG_DMABUF_HEAPS` off, as in Debian's kernels).
    package static func available(kernel: any KernelInterface) -> [String] {
        (kernel.directoryEntries(directory) ?? []).filter { $0 != "." && $0 != ".." }.sorted()
    }

    /// Opens the heap called `name`.
    ///
    /// - Throws: ``DmaHeapError/notFound(name:available:)`` naming the heaps
    ///   there are; `DeviceError` from `open` otherwise (EACCES, ...).
    package static func open(named name: String, kernel: any KernelInterface) throws -> DmaHeap {
        let path = directory + "/" + name
        let available = available(kernel: kernel)
        guard available.contains(name) else { throw DmaHeapError.notFound(name: name, available: available) }
        return DmaHeap(name: name, fd: try OwnedFD.open(path, nonBlocking: false, kernel: kernel))
    }

    /// A new dma-buf of `length` bytes (readable and writable by devices,
    /// close-on-exec). Nothing is mapped into this process.
    ///
    /// The corresponding ioctl is `DMA_HEAP_IOCTL_ALLOC`.
    package func allocate(length: Int, label: String) throws(DeviceError) -> DmaBuf {
        var request = dma_heap_allocation_data_shim(len: UInt64(length), fd: 0, fd_flags: UInt32(O_RDWR | O_CLOEXEC), heap_flags: 0)
        try fd.control(.dmaHeapAllocate, &request)
        return DmaBuf(fd.derived(Int32(bitPattern: request.fd), path: "\(fd.path) \(label) (dma-buf)"))
    }
}

/// `struct dma_heap_allocation_data` (linux/dma-heap.h), which the C modules
/// do not import: 8 + 4 + 4 + 8 bytes, as the kernel lays it out.
struct dma_heap_allocation_data_shim {
    var len: UInt64
    var fd: UInt32
    var fd_flags: UInt32
    var heap_flags: UInt64
}

extension IoctlRequest {
    /// `DMA_HEAP_IOCTL_ALLOC`.
    static let dmaHeapAllocate = IoctlRequest("DMA_HEAP_IOCTL_ALLOC", fp_DMA_HEAP_IOCTL_ALLOC)
}
