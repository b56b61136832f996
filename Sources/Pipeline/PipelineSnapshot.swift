import KMS

/// What a pipeline showed at one instant: the composed screen, read back
/// through the display's writeback connector, and for each source the
/// buffer it had on screen and where it was laid out.
public struct PipelineSnapshot: Sendable {
    /// One source's part of the screen.
    public struct Layer: Sendable {
        /// The index of the source's capture buffer on screen, as V4L2
        /// numbers it (`v4l2_buffer.index`); nil: none.
        public var bufferIndex: Int?
        /// Where the source's frames go on screen.
        public var layout: PlaneLayout
    }

    /// The composed screen.
    public var screen: WritebackSnapshot
    /// Each source's layer, by position.
    public var layers: [Layer]
}
