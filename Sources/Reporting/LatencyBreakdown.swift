import Pipeline

/// Capture-to-glass latency and its two parts, in milliseconds.
package struct LatencyBreakdown: Sendable, Codable, Equatable {
    /// Flip vblank − capture timestamp; nil (absent from report.json) when
    /// the camera's timestamps are unusable (``CaptureTimestamps``).
    package var total: LatencySummary?
    /// Dequeue − capture timestamp: the wake-up (the driver finished
    /// the buffer shortly after its timestamp; user space cannot see when);
    /// nil when the timestamps are unusable.
    package var captureSide: LatencySummary?
    /// Flip vblank − dequeue.
    package var pipelineSide: LatencySummary
    /// Commit − dequeue: the pipeline's own work before the commit
    /// (and any wait for a flip still pending).
    package var dequeueToCommit: LatencySummary
    /// On the copy path: the CPU time each shown frame's conversion
    /// took (part of the capture side); nil for zero-copy.
    package var conversion: LatencySummary?
}
