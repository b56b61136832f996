#if canImport(Glibc)
import Glibc
#endif

/// A buffer object of a fake card: a dumb buffer it allocated or a dma-buf
/// it imported. Handles (per client), framebuffers and exported dma-bufs
/// refer to it; it lives as long as one of them does, as in the kernel.
final class FakeGEMObject {
    let size: Int
    /// "dumb 640x480x32" or the imported dma-buf's label.
    let label: String
    /// The dma-buf it came from, for imported objects.
    let importedFrom: FakeDmaBuf?
    /// The dma-buf made when it was first exported; exporting again gives
    /// the same one while it lives, as the kernel caches `obj->dma_buf`
    /// (weak: the dma-buf holds the object, not the other way round).
    weak var exported: FakeDmaBuf?
    /// Memory behind a mapping of a dumb buffer, allocated on first mmap
    /// (zero-filled, as the kernel hands out dumb buffers).
    private(set) var backing: UnsafeMutableRawPointer?

    init(size: Int, label: String, importedFrom: FakeDmaBuf? = nil) {
        self.size = size
        self.label = label
        self.importedFrom = importedFrom
    }

    /// The memory a mapping shows; every mapping of one object shows the
    /// same bytes, so one allocation serves them all.
    func mappedMemory() -> UnsafeMutableRawPointer? {
        if backing == nil { backing = calloc(1, max(size, 1)) }
        return backing
    }

    deinit {
        free(backing)
    }
}
