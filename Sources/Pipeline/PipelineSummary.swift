import Platform

/// What a run did: each source's summary, the display's commits, how long
/// it streamed and why it stopped.
public struct PipelineSummary: Sendable, Codable, Equatable {
    /// Each source, by position (one for one camera).
    public var sources: [SourceSummary]
    /// The card.
    public var card: String
    /// The connector's name.
    public var connector: String
    /// The mode shown.
    public var mode: String
    /// Whether commits were atomic (false: the legacy path).
    public var atomic: Bool
    /// The display's commits, flips and vblanks.
    public var commits: CommitStatistics
    /// Seconds streamed (JSON key `seconds`; ``duration`` is the public face).
    package var seconds: Double
    /// Why the run ended.
    public var stopReason: StopReason
    /// What woke the pipeline: "thread" (with its priority) or "dispatch".
    public var eventLoop: String

    /// A summary of these values.
    package init(
        sources: [SourceSummary], card: String, connector: String, mode: String, atomic: Bool, commits: CommitStatistics,
        seconds: Double, stopReason: StopReason, eventLoop: String = "thread"
    ) {
        self.eventLoop = eventLoop
        self.sources = sources
        self.card = card
        self.connector = connector
        self.mode = mode
        self.atomic = atomic
        self.commits = commits
        self.seconds = seconds
        self.stopReason = stopReason
    }

    /// How long it streamed, from `VIDIOC_STREAMON` to the stop.
    public var duration: Duration { .seconds(roundedToNanoseconds: seconds) }

    /// Every source's refused pool transitions, with its camera when there are several.
    public var poolViolations: [String] {
        sources.flatMap { source in source.poolViolations.map { sources.count > 1 ? "\(source.camera): \($0)" : $0 } }
    }
}
