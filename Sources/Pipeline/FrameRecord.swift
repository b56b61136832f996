/// One camera frame's fate and timeline, reported once, when its fate is
/// known (``FramePipeline/onFrame``).
///
/// The timeline's instants (``captureNanoseconds``, ``dequeueNanoseconds``,
/// ``commitNanoseconds``, ``flipNanoseconds``) are points in time, not
/// spans: CLOCK_MONOTONIC readings in nanoseconds, the clock of V4L2's
/// buffer timestamps, of DRM's vblank events and of
/// `monotonicNanoseconds()`, kept as the kernel gives them. Spans between
/// them are `Duration`s (``total``, ``captureSide``, ``pipelineSide``,
/// ``dequeueToCommit``, ``conversion``).
public struct FrameRecord: Sendable, Codable, Equatable {
    /// Which source (camera) of the pipeline it came from: its position in
    /// the pipeline's list, 0 for the first or only one.
    public var source = 0
    /// The camera's sequence number.
    public var sequence: UInt32
    /// The capture buffer that held it (nil for frames the camera dropped).
    public var bufferIndex: Int?
    /// The V4L2 buffer timestamp: an instant, CLOCK_MONOTONIC nanoseconds.
    public var captureNanoseconds: Int64?
    /// What that timestamp marks ("start-of-exposure", "end-of-frame").
    public var timestampSource: String?
    /// When the pipeline dequeued the buffer: an instant, CLOCK_MONOTONIC
    /// nanoseconds.
    public var dequeueNanoseconds: Int64?
    /// When the commit naming it was issued: an instant, CLOCK_MONOTONIC
    /// nanoseconds.
    public var commitNanoseconds: Int64?
    /// The vblank at which the flip showing it completed: an instant,
    /// CLOCK_MONOTONIC nanoseconds (the flip event's timestamp).
    public var flipNanoseconds: Int64?
    /// That vblank's sequence number.
    public var vblankSequence: UInt32?
    /// What became of the frame.
    public var outcome: FrameOutcome
    /// For shown frames: vblanks between the first one after the frame was
    /// dequeued (the earliest it could have been shown) and the one it was
    /// shown at. 0 is the goal.
    public var vblanksMissed: Int?
    /// The frame rode on the commit that set the mode. Its event carries the
    /// modeset's vblank rather than a page flip's, so its latency says
    /// nothing about the steady state: ``countsTowardLatency`` is false.
    public var isModesetFrame: Bool
    /// On the copy path, the CPU time its conversion took in nanoseconds
    /// (``conversion``), as frames.csv and report.json read it; nil for
    /// zero-copy.
    package var conversionNanoseconds: Int64?

    /// A record with the given fields; unknown times stay nil.
    package init(sequence: UInt32, bufferIndex: Int? = nil, captureNanoseconds: Int64? = nil, timestampSource: String? = nil,
                dequeueNanoseconds: Int64? = nil, commitNanoseconds: Int64? = nil, flipNanoseconds: Int64? = nil,
                vblankSequence: UInt32? = nil, outcome: FrameOutcome, vblanksMissed: Int? = nil, isModesetFrame: Bool = false) {
        self.sequence = sequence
        self.bufferIndex = bufferIndex
        self.captureNanoseconds = captureNanoseconds
        self.timestampSource = timestampSource
        self.dequeueNanoseconds = dequeueNanoseconds
        self.commitNanoseconds = commitNanoseconds
        self.flipNanoseconds = flipNanoseconds
        self.vblankSequence = vblankSequence
        self.outcome = outcome
        self.vblanksMissed = vblanksMissed
        self.isModesetFrame = isModesetFrame
    }

    /// The record of a frame whose buffer held `timeline`.
    init(_ timeline: FrameTimeline, buffer: BufferIndex, outcome: FrameOutcome) {
        self.init(
            sequence: timeline.sequence, bufferIndex: buffer.rawValue, captureNanoseconds: timeline.captureNanoseconds,
            timestampSource: timeline.timestampSource, dequeueNanoseconds: timeline.dequeueNanoseconds,
            commitNanoseconds: timeline.commitNanoseconds, outcome: outcome)
    }

    /// Whether the frame's latency belongs in latency statistics: it was
    /// shown by a page flip (not the modeset), its capture time is known,
    /// and its flip's stamp is no earlier than its commit.
    public var countsTowardLatency: Bool {
        outcome == .shown && !isModesetFrame && totalNanoseconds != nil && !flipStampedBeforeCommit
    }

    /// The flip event's vblank time is earlier than the commit that asked
    /// for the flip: no glass time. A driver that stamps each vblank with
    /// its nominal time and handles it late (vkms when its timer fires
    /// milliseconds late, as under emulation) completes a flip committed in
    /// between with the earlier stamp.
    public var flipStampedBeforeCommit: Bool {
        guard let flipNanoseconds, let commitNanoseconds else { return false }
        return flipNanoseconds < commitNanoseconds
    }

    /// Capture to glass: flip vblank − capture timestamp.
    public var total: Duration? { totalNanoseconds.map { .nanoseconds($0) } }
    /// Capture side: dequeue − capture timestamp.
    public var captureSide: Duration? { captureSideNanoseconds.map { .nanoseconds($0) } }
    /// Pipeline side: flip vblank − dequeue.
    public var pipelineSide: Duration? { pipelineSideNanoseconds.map { .nanoseconds($0) } }
    /// The pipeline's own part before the commit: commit − dequeue.
    public var dequeueToCommit: Duration? { dequeueToCommitNanoseconds.map { .nanoseconds($0) } }
    /// On the copy path, the CPU time its conversion took (libyuv, on the
    /// conversion thread); nil for zero-copy.
    public var conversion: Duration? { conversionNanoseconds.map { .nanoseconds($0) } }

    // The same spans in nanoseconds, for the latency histogram and the
    // reports, which count integers.

    /// ``total`` in nanoseconds.
    package var totalNanoseconds: Int64? { difference(flipNanoseconds, captureNanoseconds) }
    /// ``captureSide`` in nanoseconds.
    package var captureSideNanoseconds: Int64? { difference(dequeueNanoseconds, captureNanoseconds) }
    /// ``pipelineSide`` in nanoseconds.
    package var pipelineSideNanoseconds: Int64? { difference(flipNanoseconds, dequeueNanoseconds) }
    /// ``dequeueToCommit`` in nanoseconds.
    package var dequeueToCommitNanoseconds: Int64? { difference(commitNanoseconds, dequeueNanoseconds) }

    private func difference(_ a: Int64?, _ b: Int64?) -> Int64? {
        guard let a, let b else { return nil }
        return a - b
    }
}

/// How many vblanks a frame missed: the first vblank after `dequeue` is the
/// earliest the frame could reach the screen; vblanks come every `period`;
/// the frame was shown at `flip`. Pure arithmetic, unit-tested.
package func vblanksMissed(dequeue: Int64, flip: Int64, period: Int64) -> Int {
    guard period > 0, flip > dequeue else { return 0 }
    // Vblanks after `dequeue` up to and including `flip`: ceil((flip − dequeue) / period).
    let vblanks = (flip - dequeue + period - 1) / period
    return max(0, Int(vblanks) - 1)
}
