#if canImport(Glibc)
import Glibc
#endif

/// The identity of one fake dma-buf: what every descriptor of it (the
/// exported one, its duplicates) refers to, as a `struct dma_buf` is in the
/// kernel. Importing it into a card twice, through any of its descriptors,
/// must give the same GEM handle; that is checked by identity, so this is a
/// class.
final class FakeDmaBuf {
    /// Its size in bytes: what `lseek(SEEK_END)` reports.
    let size: Int
    /// Where it came from ("/dev/video0 buffer 2 plane 0"), for traces.
    let label: String
    /// The GEM object it exports when a card exported it (PRIME), so that
    /// importing it back into that card yields the exporter's own handle.
    let exportedObject: FakeGEMObject?
    /// The card that exported it, if one did.
    weak var exportingCard: FakeCard?
    /// Memory behind a mapping of a dma-buf no card exported (a camera's
    /// buffer, a heap's), allocated on first mmap, zero-filled.
    private var backing: UnsafeMutableRawPointer?

    init(size: Int, label: String, exportedObject: FakeGEMObject? = nil, exportingCard: FakeCard? = nil) {
        self.size = size
        self.label = label
        self.exportedObject = exportedObject
        self.exportingCard = exportingCard
    }

    /// The memory a mapping shows: the exported object's, else its own;
    /// every mapping shows the same bytes.
    func mappedMemory() -> UnsafeMutableRawPointer? {
        if let exportedObject { return exportedObject.mappedMemory() }
        if backing == nil { backing = calloc(1, max(size, 1)) }
        return backing
    }

    deinit {
        free(backing)
    }
}
