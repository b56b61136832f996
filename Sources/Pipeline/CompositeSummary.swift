/// What a run with several sources did: each source's own summary (its
/// counters and capture-to-glass latency), why a source was lost if one
/// was, and the commits on the one CRTC.
public struct CompositeSummary: Sendable, Codable, Equatable {
    /// Per source, in z-order (the first at the bottom).
    public var sources: [PipelineSummary]
    /// Per source: why it was lost (`onSourceLoss: continue`), or nil.
    public var lost: [String?]
    /// The commits: how many, planes carried, flips per vblank.
    public var statistics: CompositeStatistics
    /// Seconds streamed.
    public var seconds: Double
    /// Why the run ended.
    public var stopReason: StopReason

    /// A summary with these parts.
    public init(sources: [PipelineSummary], lost: [String?], statistics: CompositeStatistics, seconds: Double, stopReason: StopReason) {
        self.sources = sources
        self.lost = lost
        self.statistics = statistics
        self.seconds = seconds
        self.stopReason = stopReason
    }

    /// Every source's buffer-pool violations (empty in a correct run).
    public var poolViolations: [String] { sources.flatMap(\.poolViolations) }
}
