import Platform
import Pipeline

/// Whether shown frames reached the screen at the earliest vblank they
/// could have made (the modeset frame left out), and how late the others
/// were. Two rules:
///
/// - feasible (``init(feasible:periodNanoseconds:timestamps:source:)``), as
///   the kernel-tracepoint probe (`tools/probe/latency.py`) judges any
///   program: the first vblank at least ``marginNanoseconds`` after the
///   buffer was done, a commit's budget. A frame done just before a
///   vblank cannot make it, and is not counted late for missing it. The
///   probe sees `vb2_buf_done`; user space estimates it
///   (``CaptureTimestamps/bufferDoneNanoseconds(_:)``), never later than
///   the dequeue;
/// - after the dequeue (``init(afterDequeue:)``): the first vblank after the
///   dequeue, however close, as the scheduler counts
///   ``FrameRecord/vblanksMissed``.
package struct EarliestVblank: Sendable, Codable, Equatable {
    /// Share of shown frames that made that vblank (0 with none shown).
    package var share: Double
    /// Shown frames by vblanks missed ("1": frames one vblank late, ...).
    package var missed: [String: Int]
    /// How long after the buffer was done a vblank must come to count:
    /// 1 for the feasible rule, 0 after the dequeue.
    package var marginMilliseconds: Double
    /// When the buffer was taken to be done (`"the dequeue"`, `"start of
    /// exposure + frame interval (40.0 ms), at most the dequeue"`, ...).
    package var bufferDone: String

    /// The probe's margin: a vblank less than 1 ms after the buffer was
    /// done is out of reach.
    package static let marginNanoseconds: Int64 = 1_000_000

    /// The feasible rule over the shown frames of `records` (one camera's),
    /// on a display whose vblanks come every `periodNanoseconds`, with the
    /// buffer done times that camera's `timestamps` give (`source`: what
    /// its stamps mark, for the report's words).
    package init(feasible records: [FrameRecord], periodNanoseconds: Int64, timestamps: CaptureTimestamps, source: String) {
        let late = Self.judged(records).map { record -> Int? in
            guard let flip = record.flipNanoseconds, let done = timestamps.bufferDoneNanoseconds(record) else { return record.vblanksMissed }
            return Self.vblanksLate(done: done, flip: flip, periodNanoseconds: periodNanoseconds)
        }
        self.init(late: late, marginMilliseconds: Double(Self.marginNanoseconds) / 1e6, bufferDone: timestamps.bufferDoneRule(source: source))
    }

    /// The first vblank after the dequeue, as the scheduler counted it.
    package init(afterDequeue records: [FrameRecord]) {
        self.init(late: Self.judged(records).map(\.vblanksMissed), marginMilliseconds: 0, bufferDone: "the dequeue")
    }

    private init(late: [Int?], marginMilliseconds: Double, bufferDone: String) {
        var missed: [String: Int] = [:]
        for value in late { if let value, value > 0 { missed[String(value), default: 0] += 1 } }
        share = late.isEmpty ? 0 : Double(late.filter { $0 == 0 }.count) / Double(late.count)
        self.missed = missed
        self.marginMilliseconds = marginMilliseconds
        self.bufferDone = bufferDone
    }

    /// The frames judged: shown by a page flip (not the modeset).
    private static func judged(_ records: [FrameRecord]) -> [FrameRecord] {
        records.filter { $0.outcome == .shown && !$0.isModesetFrame }
    }

    /// Vblanks between the first one at least ``marginNanoseconds`` after
    /// `done` and the one at `flip`, vblanks coming every
    /// `periodNanoseconds` on the grid `flip` lies on. A frame shown
    /// earlier than that (its buffer was done before the estimate) is on
    /// time: 0. Pure arithmetic, unit-tested.
    package static func vblanksLate(done: Int64, flip: Int64, periodNanoseconds: Int64) -> Int {
        let earliest = done + marginNanoseconds
        guard periodNanoseconds > 0, flip > earliest else { return 0 }
        return Int((flip - earliest) / periodNanoseconds)
    }

    /// "98.0% of shown frames; missed: 2 frame(s) 1 vblank(s) late".
    var text: String {
        let missedText = missed.sorted { (Int($0.key) ?? 0) < (Int($1.key) ?? 0) }
            .map { "\($0.value) frame(s) \($0.key) vblank(s) late" }.joined(separator: ", ")
        return NumberText.fixed(share * 100, 1) + "% of shown frames" + (missedText.isEmpty ? "" : "; missed: " + missedText)
    }
}
