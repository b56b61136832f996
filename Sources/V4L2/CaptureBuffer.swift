import CV4L2
import Platform

/// One buffer of a capture queue, with a dma-buf per memory plane.
public struct CaptureBuffer: Sendable {
    /// The buffer's index in the queue (`v4l2_buffer.index`).
    public let index: Int
    public internal(set) var planes: [CaptureBufferPlane]

    public init(index: Int, planes: [CaptureBufferPlane]) {
        self.index = index
        self.planes = planes
    }
}
