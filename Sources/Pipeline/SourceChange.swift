/// One source's part of a commit: its new buffer, or nil when its plane
/// goes off.
package struct SourceChange: Sendable, Equatable {
    /// The source's position in the pipeline's list (its layer).
    package var source: Int
    /// The buffer to show, nil to turn the plane off.
    package var buffer: BufferIndex?
    /// Which of the source's cameras the buffer belongs to: a camera that
    /// came back (reconnect) has a new pool, and a flip naming a buffer of
    /// the camera before it must not touch the new one.
    package var generation: Int

    package init(source: Int, buffer: BufferIndex?, generation: Int = 0) {
        self.source = source
        self.buffer = buffer
        self.generation = generation
    }
}
