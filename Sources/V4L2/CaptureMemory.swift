import CV4L2
import Platform

/// Who allocated the buffers of a stream.
package enum CaptureMemory: String, Sendable, Equatable {
    /// The driver allocated them (`V4L2_MEMORY_MMAP`) and framepipe exported
    /// each plane as a dma-buf (`VIDIOC_EXPBUF`). They are never mapped.
    case exported
    /// Someone else allocated them (e.g. the display's dumb buffers) and the
    /// driver writes into the imported dma-bufs (`V4L2_MEMORY_DMABUF`).
    case imported

    var kernelValue: UInt32 {
        switch self {
        case .exported: return V4L2_MEMORY_MMAP.rawValue
        case .imported: return V4L2_MEMORY_DMABUF.rawValue
        }
    }
}
