/// One buffer of a ``FakeCamera``'s queue.
struct FakeCameraBuffer {
    enum State {
        /// Userspace has it (after REQBUFS, DQBUF or STREAMOFF).
        case dequeued
        /// The driver holds it, waiting to be filled.
        case queued
        /// Filled, waiting for DQBUF.
        case done
    }

    /// One dma-buf per memory plane: allocated with the buffer for MMAP,
    /// attached by each QBUF for DMABUF (nil until then).
    var planes: [FakeDmaBuf?]
    /// The plane sizes the queue was set up with (`length`).
    let planeSizes: [UInt32]
    var state = State.dequeued
    var sequence: UInt32 = 0
    var timestampNanoseconds: Int64 = 0
    var flags: UInt32 = 0
    var bytesUsed: [UInt32]

    init(planes: [FakeDmaBuf?], planeSizes: [UInt32]) {
        self.planes = planes
        self.planeSizes = planeSizes
        self.bytesUsed = Array(repeating: 0, count: planeSizes.count)
    }

    mutating func complete(sequence: UInt32, timestampNanoseconds: Int64, flags: UInt32) {
        state = .done
        self.sequence = sequence
        self.timestampNanoseconds = timestampNanoseconds
        self.flags = flags
        bytesUsed = planeSizes
    }
}
