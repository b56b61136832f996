import Pipeline

/// A camera's frames by fate (``FrameOutcome``), counted from the records.
public struct FrameCounts: Sendable, Codable, Equatable {
    /// Every frame the camera numbered during the run (delivered or not).
    public var total: Int
    /// Frames the camera delivered: ``total`` minus ``cameraDropped``
    /// (frames flagged with an error included).
    public var captured: Int
    /// Frames a flip put on screen, the modeset frame included.
    public var shown: Int
    /// Frames dropped because a newer one was ready first (mailbox).
    public var superseded: Int
    /// Frames not shown to leave a one-vblank-late lock at equal rates.
    public var droppedToCatchUp: Int
    /// Buffers the camera flagged with `V4L2_BUF_FLAG_ERROR`.
    public var cameraErrors: Int
    /// Frames the camera never delivered (gaps in its sequence numbers).
    public var cameraDropped: Int
    /// Frames still ready or committed when the run stopped.
    public var inFlightAtEnd: Int
}
