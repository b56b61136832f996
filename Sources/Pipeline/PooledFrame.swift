/// One buffer of a pool: its index in the camera's queue, its state, which
/// consumers hold it, and the frame it holds.
package struct PooledFrame: Sendable, Equatable {
    /// The buffer's index in the camera's queue.
    package let index: BufferIndex
    /// Where the buffer is in its life.
    package internal(set) var state: BufferState
    /// The consumers holding it, one bit each (``ConsumerID``).
    package internal(set) var holders: UInt64
    /// The frame the buffer holds; nil while the camera owns the buffer.
    package internal(set) var timeline: FrameTimeline?

    /// How many consumers may still read the buffer: it goes back to the
    /// camera only at 0.
    package var references: Int { holders.nonzeroBitCount }

    /// Whether `consumer` holds it.
    package func isHeld(by consumer: ConsumerID) -> Bool { holders & consumer.bit != 0 }
}
