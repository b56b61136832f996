import Platform

/// Counters of one run, each counted where the event happens.
public struct PipelineStatistics: Sendable, Equatable, Codable {
    /// Buffers dequeued from the camera (good or bad).
    public var captured = 0
    /// Frames that reached the screen (a flip completed for them).
    public var shown = 0
    /// Good frames dropped because a newer one was ready before they could
    /// be committed (mailbox policy).
    public var superseded = 0
    /// Buffers the camera flagged with V4L2_BUF_FLAG_ERROR: never shown.
    public var cameraErrors = 0
    /// Frames the camera never delivered (gaps in its sequence numbers).
    public var cameraDropped = 0
    /// Good frames not shown to leave the state in which every frame waits
    /// for the previous flip and lands a vblank late (``FrameOutcome/droppedToCatchUp``).
    public var droppedToCatchUp = 0
    /// Frames whose sequence number did not advance past the previous
    /// frame's. vivid repeats a number when its thread wakes before the
    /// next frame period has begun (its count comes from elapsed jiffies);
    /// such frames are real and are shown, but share a number.
    public var cameraRepeatedSequences = 0
    /// Commits issued.
    public var commits = 0
    /// Flip events received.
    public var flips = 0
    /// Buffers the camera refused once (`VIDIOC_QBUF` failed) and took back
    /// when asked again.
    public var cameraQueueRetries = 0
    /// Times the camera went away and came back (``PipelineConfiguration/reconnect``).
    public var cameraReconnects = 0
    /// Seconds spent waiting for the camera to come back (JSON key
    /// `secondsWithoutCamera`; ``timeWithoutCamera`` is the public face).
    package var secondsWithoutCamera = 0.0

    /// All zero.
    package init() {}

    /// How long the run waited for the camera to come back, the last frame
    /// on screen.
    public var timeWithoutCamera: Duration { .seconds(roundedToNanoseconds: secondsWithoutCamera) }
}
