import CV4L2
import Platform

/// One buffer of a capture queue, with a dma-buf per memory plane.
package struct CaptureBuffer: Sendable {
    /// The buffer's index in the queue (`v4l2_buffer.index`).
    package let index: Int
    /// One entry per memory plane, in plane order: one for the single-planar
    /// type, `v4l2_format.fmt.pix_mp.num_planes` for the multiplanar one.
    package internal(set) var planes: [CaptureBufferPlane]

    /// A buffer with these planes; no checks.
    package init(index: Int, planes: [CaptureBufferPlane]) {
        self.index = index
        self.planes = planes
    }
}
