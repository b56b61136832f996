import CV4L2
import Platform

/// One memory plane of a capture buffer.
package struct CaptureBufferPlane: Sendable {
    /// The plane's memory as a dma-buf, shared with whoever displays it.
    package let dmabuf: DmaBuf
    /// The plane's size in bytes as the queue knows it (`length`).
    package let length: UInt32
    /// Bytes from one line to the next (from the negotiated format).
    package let bytesPerLine: UInt32
    /// Where the image starts inside the plane (`data_offset`) as
    /// `VIDIOC_QUERYBUF` reported it at setup: the offset a framebuffer made
    /// of this plane uses. Multiplanar drivers may report another one with
    /// each dequeued frame (``CapturedFrame/dataOffsets``); a frame whose
    /// offset differs from this one does not match its framebuffer. Always 0
    /// for single-planar buffers.
    package let dataOffset: UInt32

    /// A plane as set up.
    package init(dmabuf: DmaBuf, length: UInt32, bytesPerLine: UInt32, dataOffset: UInt32) {
        self.dmabuf = dmabuf
        self.length = length
        self.bytesPerLine = bytesPerLine
        self.dataOffset = dataOffset
    }
}
