import KMS

/// A screen snapshot together with what produced it.
public struct PipelineSnapshot: Sendable {
    /// The composed screen, read back through the writeback connector.
    public var screen: WritebackSnapshot
    /// The capture buffer that was on screen while the snapshot was taken.
    public var bufferIndex: BufferIndex
    /// Where that buffer's frame sits on screen.
    public var layout: PlaneLayout
}
