import CV4L2
import Platform

/// One plane of a buffer someone else allocated, to be imported with
/// `V4L2_MEMORY_DMABUF`.
package struct ImportedPlane: Sendable {
    /// The dma-buf. A borrowed descriptor is duplicated when the stream is
    /// created, so the caller may close its own copy afterwards.
    package enum Source: Sendable {
        /// A descriptor the caller owns.
        case borrowed(Int32)
        /// A dma-buf shared by reference.
        case shared(DmaBuf)
    }

    /// Where the dma-buf comes from, and so who closes it.
    package var source: Source
    /// The usable bytes in the dma-buf; at least the format's `sizeImage`
    /// for this plane.
    package var length: UInt32
    /// Where the plane starts in the dma-buf. Capture drivers always write
    /// from the start of an imported buffer (V4L2 ignores an application's
    /// `data_offset` on capture queues), so this must be 0; it is here so
    /// that a mismatch is reported rather than silently ignored.
    package var offset: UInt32

    /// A plane of the caller's descriptor `fd`; the stream duplicates it.
    package init(fd: Int32, length: UInt32, offset: UInt32 = 0) {
        self.init(source: .borrowed(fd), length: length, offset: offset)
    }

    /// A plane of a shared dma-buf, kept alive by reference.
    package init(dmabuf: DmaBuf, length: UInt32, offset: UInt32 = 0) {
        self.init(source: .shared(dmabuf), length: length, offset: offset)
    }

    /// A plane with these values; checked against the format when the stream
    /// is created.
    package init(source: Source, length: UInt32, offset: UInt32 = 0) {
        self.source = source
        self.length = length
        self.offset = offset
    }
}
