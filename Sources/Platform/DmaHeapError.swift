/// Why no memory came from a dma-buf heap.
public enum DmaHeapError: UserFacingError, Sendable, Equatable {
    /// `/dev/dma_heap/NAME` does not exist; `available` lists the heaps there are.
    case notFound(name: String, available: [String])

    /// One line naming the heap and the heaps there are.
    public var description: String {
        switch self {
        case .notFound(let name, let available):
            if available.isEmpty {
                return "no dma-buf heap \(DmaHeap.directory)/\(name): this kernel offers none (CONFIG_DMABUF_HEAPS); use memory \"camera\" or \"display\""
            }
            return "no dma-buf heap \(DmaHeap.directory)/\(name); available: \(available.joined(separator: ", "))"
        }
    }

    /// A heap that is not there was not found.
    public var category: ErrorCategory { .notFound }
}
