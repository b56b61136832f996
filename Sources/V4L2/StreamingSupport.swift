import CV4L2
import Platform

/// Which streaming I/O methods the node supports (from the capability bits
/// `VIDIOC_REQBUFS` returns) and whether export to dma-buf was proven.
public struct StreamingSupport: Sendable, Equatable, Codable {
    /// `V4L2_MEMORY_MMAP`: the driver allocates.
    public var mmap: Bool
    /// `V4L2_MEMORY_USERPTR`.
    public var userPointer: Bool
    /// `V4L2_MEMORY_DMABUF`: buffers allocated elsewhere (e.g. by the display) can be imported.
    public var dmabuf: Bool
    /// `VIDIOC_EXPBUF` worked on an MMAP buffer; nil when it could not be
    /// tried (queue busy) or MMAP is absent.
    public var exportable: Bool?

    /// A description with these values (for tests and recorded descriptions).
    package init(mmap: Bool, userPointer: Bool, dmabuf: Bool, exportable: Bool?) {
        self.mmap = mmap
        self.userPointer = userPointer
        self.dmabuf = dmabuf
        self.exportable = exportable
    }
}
