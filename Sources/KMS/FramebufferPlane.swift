import CDRM
import Platform

#if canImport(Glibc)
import Glibc
#endif

/// Where one plane of an image lies in a dma-buf.
package struct FramebufferPlane: Sendable, Hashable {
    /// The dma-buf's descriptor, borrowed: it is read only while importing
    /// and may be closed afterwards (the framebuffer keeps the memory alive).
    /// Several planes may share one descriptor with different offsets.
    package var dmaBufDescriptor: Int32
    /// Byte offset of the plane's first pixel in the dma-buf.
    package var offset: UInt32
    /// Bytes from one line to the next.
    package var pitch: UInt32

    /// A plane with these values; checked when the framebuffer is added.
    package init(dmaBufDescriptor: Int32, offset: UInt32 = 0, pitch: UInt32) {
        self.dmaBufDescriptor = dmaBufDescriptor
        self.offset = offset
        self.pitch = pitch
    }
}
