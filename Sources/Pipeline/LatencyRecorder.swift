import Platform
import V4L2

/// What became of one camera frame in a benchmark run.
public enum FrameOutcome: String, Sendable, Codable, Equatable {
    /// A flip put it on screen.
    case shown
    /// A newer frame was ready before it could be committed (mailbox).
    case superseded
    /// The camera flagged the buffer with V4L2_BUF_FLAG_ERROR.
    case cameraError
    /// The camera never delivered it (a gap in its sequence numbers).
    case droppedByCamera
    /// Still queued, ready or committed when the run stopped.
    case inFlight
}

/// One camera frame's timeline, all times CLOCK_MONOTONIC nanoseconds.
public struct FrameRecord: Sendable, Codable, Equatable {
    public var sequence: UInt32
    public var bufferIndex: Int?
    /// The V4L2 buffer timestamp.
    public var captureNanoseconds: Int64?
    /// What that timestamp marks ("start-of-exposure", "end-of-frame").
    public var timestampSource: String?
    public var dequeueNanoseconds: Int64?
    public var commitNanoseconds: Int64?
    /// The vblank at which the flip showing it completed.
    public var flipNanoseconds: Int64?
    public var vblankSequence: UInt32?
    public var outcome: FrameOutcome
    /// For shown frames: vblanks between the first one after the frame was
    /// dequeued (the earliest it could have been shown) and the one it was
    /// shown at. 0 is the goal.
    public var vblanksMissed: Int?

    public init(sequence: UInt32, bufferIndex: Int? = nil, captureNanoseconds: Int64? = nil, timestampSource: String? = nil,
                dequeueNanoseconds: Int64? = nil, commitNanoseconds: Int64? = nil, flipNanoseconds: Int64? = nil,
                vblankSequence: UInt32? = nil, outcome: FrameOutcome, vblanksMissed: Int? = nil) {
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
    }

    /// Capture to glass: flip vblank − capture timestamp.
    public var totalNanoseconds: Int64? { difference(flipNanoseconds, captureNanoseconds) }
    /// Capture side: dequeue − capture timestamp.
    public var captureSideNanoseconds: Int64? { difference(dequeueNanoseconds, captureNanoseconds) }
    /// Pipeline side: flip vblank − dequeue.
    public var pipelineSideNanoseconds: Int64? { difference(flipNanoseconds, dequeueNanoseconds) }

    private func difference(_ a: Int64?, _ b: Int64?) -> Int64? {
        guard let a, let b else { return nil }
        return a - b
    }
}

/// How many vblanks a frame missed: the first vblank after `dequeue` is the
/// earliest the frame could reach the screen; vblanks come every `period`;
/// the frame was shown at `flip`. Pure arithmetic, unit-tested.
public func vblanksMissed(dequeue: Int64, flip: Int64, period: Int64) -> Int {
    guard period > 0, flip > dequeue else { return 0 }
    // Vblanks after `dequeue` up to and including `flip`: ceil((flip − dequeue) / period).
    let vblanks = (flip - dequeue + period - 1) / period
    return max(0, Int(vblanks) - 1)
}

/// Collects per-frame timelines from the scheduler's events. Used on the
/// pipeline queue only. Storage is reserved up front so that recording in
/// steady state does not allocate.
public final class LatencyRecorder {
    public private(set) var records: [FrameRecord] = []
    private var recordOfBuffer: [Int]
    private let refreshPeriodNanoseconds: Int64
    private let clock: () -> Int64

    public init(expectedFrames: Int, refreshPeriodNanoseconds: Int64, clock: @escaping () -> Int64 = monotonicNanoseconds) {
        records.reserveCapacity(expectedFrames * 3 + 64)
        recordOfBuffer = Array(repeating: -1, count: StreamingLimits.bufferCount)
        self.refreshPeriodNanoseconds = refreshPeriodNanoseconds
        self.clock = clock
    }

    public func record(_ event: Scheduler.FrameEvent) {
        let now = clock()
        switch event {
        case .dequeued(let frame):
            let source: String
            switch frame.timestampSource {
            case .startOfExposure: source = "start-of-exposure"
            case .endOfFrame: source = "end-of-frame"
            case .unknown: source = "unknown"
            }
            records.append(FrameRecord(
                sequence: frame.sequence, bufferIndex: frame.index,
                captureNanoseconds: frame.isMonotonic ? frame.timestampNanoseconds : nil,
                timestampSource: source, dequeueNanoseconds: now, outcome: .inFlight))
            if recordOfBuffer.indices.contains(frame.index) { recordOfBuffer[frame.index] = records.count - 1 }
        case .committed(let index, _):
            update(index) { $0.commitNanoseconds = now }
        case .superseded(let index, _):
            update(index) { $0.outcome = .superseded }
        case .cameraError(let index, _):
            update(index) { $0.outcome = .cameraError }
        case .shown(let completion, _):
            let period = refreshPeriodNanoseconds
            update(completion.bufferIndex) { record in
                record.outcome = .shown
                record.flipNanoseconds = completion.timestampNanoseconds
                record.vblankSequence = completion.vblankSequence
                if let dequeue = record.dequeueNanoseconds {
                    record.vblanksMissed = vblanksMissed(dequeue: dequeue, flip: completion.timestampNanoseconds, period: period)
                }
            }
        }
    }

    private func update(_ bufferIndex: Int, _ body: (inout FrameRecord) -> Void) {
        guard recordOfBuffer.indices.contains(bufferIndex) else { return }
        let position = recordOfBuffer[bufferIndex]
        guard records.indices.contains(position) else { return }
        body(&records[position])
    }

    /// Every frame of the run, by sequence, with the frames the camera
    /// skipped (sequence gaps) added as `droppedByCamera`.
    public func allFrames() -> [FrameRecord] {
        var result: [FrameRecord] = []
        result.reserveCapacity(records.count)
        var previous: UInt32?
        for record in records.sorted(by: { $0.sequence < $1.sequence }) {
            if let previous, record.sequence > previous &+ 1 {
                for missing in (previous + 1)..<record.sequence {
                    result.append(FrameRecord(sequence: missing, outcome: .droppedByCamera))
                }
            }
            result.append(record)
            previous = record.sequence
        }
        return result
    }
}
