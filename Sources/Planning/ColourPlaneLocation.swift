import Platform
import V4L2

/// Where each colour plane of a captured frame lies, for the display: which
/// dma-buf, at what offset, with what pitch.
package struct ColourPlaneLocation: Sendable, Equatable {
    /// Index into the capture buffer's memory planes (its dma-bufs).
    package var memoryPlane: Int
    package var offset: UInt32
    package var pitch: UInt32

    package init(memoryPlane: Int, offset: UInt32, pitch: UInt32) {
        self.memoryPlane = memoryPlane
        self.offset = offset
        self.pitch = pitch
    }
}
