import Pipeline

/// A camera's frames by fate (``FrameOutcome``), counted from the records.
package struct FrameCounts: Sendable, Codable, Equatable {
    /// Every frame the camera numbered during the run (delivered or not).
    package var total: Int
    /// Frames the camera delivered: ``total`` minus ``cameraDropped``
    /// (frames flagged with an error included).
    package var captured: Int
    /// Frames a flip put on screen, the modeset frame included.
    package var shown: Int
    /// Frames dropped because a newer one was ready first (mailbox).
    package var superseded: Int
    /// Frames not shown to leave a one-vblank-late lock at equal rates.
    package var droppedToCatchUp: Int
    /// Buffers the camera flagged with `V4L2_BUF_FLAG_ERROR`.
    package var cameraErrors: Int
    /// Frames the camera never delivered (gaps in its sequence numbers).
    package var cameraDropped: Int
    /// Frames still ready or committed when the run stopped.
    package var inFlightAtEnd: Int
    /// Shown frames whose flip event is stamped earlier than their commit
    /// (``FrameRecord/flipStampedBeforeCommit``): left out of latency.
    package var flipStampedBeforeCommit: Int = 0
}
