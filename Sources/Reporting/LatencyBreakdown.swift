import Pipeline

/// Capture-to-glass latency and its two parts, in milliseconds.
public struct LatencyBreakdown: Sendable, Codable, Equatable {
    /// Flip vblank − capture timestamp.
    public var total: LatencySummary
    /// Dequeue − capture timestamp: the wake-up (the driver finished
    /// the buffer shortly after its timestamp; user space cannot see when).
    public var captureSide: LatencySummary
    /// Flip vblank − dequeue.
    public var pipelineSide: LatencySummary
    /// Commit − dequeue: the pipeline's own work before the commit
    /// (and any wait for a flip still pending).
    public var dequeueToCommit: LatencySummary
    /// On the copy path: the CPU time each shown frame's conversion
    /// took (part of the capture side); nil for zero-copy.
    public var conversion: LatencySummary?
}
