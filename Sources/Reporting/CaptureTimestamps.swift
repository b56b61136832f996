import Platform
import Pipeline

/// What one camera's buffer timestamps are good for, judged from its frame
/// records: whether they can be set against the display's vblank times
/// (capture-to-glass latency), and when each buffer was done.
///
/// A timestamp is unusable when it cannot be a capture time on
/// CLOCK_MONOTONIC: not on that clock at all (the buffers lacked
/// `V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC`, so the records carry none), later
/// than the dequeue of its own buffer (vivid's default end-of-frame stamps
/// lie 0.9 frame interval ahead), or, at the median, more than
/// ``farLimitNanoseconds`` before it (another clock). One frame stamped after
/// its own dequeue is enough: no such frame can be a capture time, and a
/// latency summary over the others would mix both.
///
/// User space never sees when the driver finished a buffer (the kernel's
/// `vb2_buf_done`, which the kernel probe times), only the stamp and the
/// dequeue, and between done and dequeue lies the wake-up that a
/// "feasible vblank" must not hide. ``bufferDoneNanoseconds(_:)`` takes the
/// stamp plus the camera's fastest delivery in the run (the least dequeue −
/// stamp of its frames): a driver's stamp → done time is about constant
/// (vivid stamps start of exposure at its tick, then fills the buffer and
/// calls `vb2_buffer_done`, a few ms in the lab; a sensor's exposure and
/// readout), and the fastest frame's wake-up was shortest. So each frame's
/// own wake-up counts against it, as in the probe. Never later than the
/// dequeue (the fastest delivery is at most each frame's), and for a
/// start-of-exposure stamp never more than a frame interval after it
/// (exposure and readout fit in one). Where the stamps are unusable, the
/// dequeue: the latest the buffer can have been done.
package struct CaptureTimestamps: Sendable, Equatable {
    /// Why the timestamps cannot be compared with vblank times, in a few
    /// words (`"99 of 99 later than their dequeue, by 34.6 ms at the
    /// median"`); nil when they can (or no frame was dequeued).
    package var problem: String?
    /// The median spacing of consecutive timestamps per sequence step: the
    /// camera's frame interval as its stamps tell it; nil when fewer than
    /// two frames had one.
    package var frameIntervalNanoseconds: Int64?
    /// The least dequeue − stamp over the frames: the camera's fastest
    /// delivery, taken as every buffer's stamp → done time; nil when the
    /// stamps are unusable or no frame had one.
    package var fastestDeliveryNanoseconds: Int64?

    /// A stamp more than this before its dequeue, at the median, comes from
    /// another clock: a frame the pipeline dequeued as it arrived does not
    /// wait a second in the driver.
    package static let farLimitNanoseconds: Int64 = 1_000_000_000

    /// The judgement of one camera's `records` (any order).
    package init(records: [FrameRecord]) {
        let dequeued = records.filter { $0.dequeueNanoseconds != nil }
        let stamped = dequeued.compactMap { record -> (capture: Int64, dequeue: Int64)? in
            guard let capture = record.captureNanoseconds, let dequeue = record.dequeueNanoseconds else { return nil }
            return (capture, dequeue)
        }
        frameIntervalNanoseconds = Self.medianInterval(records)
        let ahead = stamped.filter { $0.capture > $0.dequeue }.map { $0.capture - $0.dequeue }
        let waits = stamped.map { $0.dequeue - $0.capture }.sorted()
        if stamped.count < dequeued.count {
            problem = "\(dequeued.count - stamped.count) of \(dequeued.count) not on CLOCK_MONOTONIC (no V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC)"
        } else if !ahead.isEmpty {
            problem = "\(ahead.count) of \(stamped.count) later than their dequeue, by "
                + NumberText.fixed(Double(ahead.sorted()[ahead.count / 2]) / 1e6, 1) + " ms at the median"
        } else if let median = waits.isEmpty ? nil : waits[waits.count / 2], median > Self.farLimitNanoseconds {
            problem = NumberText.fixed(Double(median) / 1e9, 1) + " s before their dequeue at the median: not CLOCK_MONOTONIC"
        } else {
            problem = nil
        }
        fastestDeliveryNanoseconds = problem == nil ? waits.first : nil
    }

    /// Whether the timestamps can be set against vblank times.
    package var isUsable: Bool { problem == nil }

    /// When the driver finished the buffer of `record`, as well as V4L2
    /// tells (see the type's notes); nil for a frame never dequeued.
    package func bufferDoneNanoseconds(_ record: FrameRecord) -> Int64? {
        guard let dequeue = record.dequeueNanoseconds else { return nil }
        guard let capture = record.captureNanoseconds, let delivery = fastestDeliveryNanoseconds else { return dequeue }
        var done = min(capture + delivery, dequeue)
        if record.timestampSource == "start-of-exposure", let interval = frameIntervalNanoseconds { done = min(done, capture + interval) }
        return done
    }

    /// ``bufferDoneNanoseconds(_:)`` in words, for the reports (`source`:
    /// what the camera's stamps mark).
    package func bufferDoneRule(source: String) -> String {
        guard let delivery = fastestDeliveryNanoseconds else { return "the dequeue" }
        var rule = "\(source) stamp + \(NumberText.fixed(Double(delivery) / 1e6, 2)) ms, the camera's fastest stamp → dequeue"
        if source == "start-of-exposure", let interval = frameIntervalNanoseconds, interval < delivery {
            rule += ", at most the frame interval (\(NumberText.fixed(Double(interval) / 1e6, 1)) ms)"
        }
        return rule
    }

    /// A capture time `capture` a frame dequeued at `dequeue` can have had:
    /// not after it, and not ``farLimitNanoseconds`` before.
    package static func isPlausible(capture: Int64, dequeue: Int64) -> Bool {
        capture <= dequeue && dequeue - capture <= farLimitNanoseconds
    }

    /// The median of (timestamp difference ÷ sequence difference) over
    /// consecutive stamped frames; a repeated sequence number (vivid's) or a
    /// step backwards is skipped.
    private static func medianInterval(_ records: [FrameRecord]) -> Int64? {
        let stamped = records.compactMap { record in record.captureNanoseconds.map { (record.sequence, $0) } }
            .sorted { $0.0 < $1.0 }
        var intervals: [Int64] = []
        for (a, b) in zip(stamped, stamped.dropFirst()) where b.0 > a.0 && b.1 > a.1 {
            intervals.append((b.1 - a.1) / Int64(b.0 - a.0))
        }
        guard !intervals.isEmpty else { return nil }
        return intervals.sorted()[intervals.count / 2]
    }
}
