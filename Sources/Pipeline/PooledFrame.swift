/// One buffer of the pool: its index in the camera's queue, its state, how
/// many display references it holds, and the frame it holds.
public struct PooledFrame: Sendable, Equatable {
    /// The buffer's index in the camera's queue.
    public let index: BufferIndex
    /// Where the buffer is in its life.
    public internal(set) var state: FrameState
    /// The display's references: 1 while committed or on screen, else 0.
    /// A frame is handed back to the camera only at 0.
    public internal(set) var displayReferences: Int
    /// The frame the buffer holds; nil while the camera owns the buffer.
    public internal(set) var timeline: FrameTimeline?
}
