import Histogram

/// Latencies recorded into an HDR histogram (microsecond resolution, three
/// significant digits, up to an hour), summarised as ``LatencySummary``.
/// Recording neither allocates nor keeps the samples, so a pipeline can
/// record every frame of an unbounded run.
package struct LatencyHistogram: Sendable {
    private var histogram = Histogram<UInt64>(
        lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    /// How many samples were recorded.
    package private(set) var count = 0
    /// Frames dequeued, those without a CLOCK_MONOTONIC stamp, and those
    /// stamped later than their own dequeue (no capture time can be).
    private var dequeued = 0, unstamped = 0, ahead = 0

    /// An empty histogram.
    package init() {}

    /// Records one latency. A negative one (a timestamp from the future,
    /// as end-of-frame stamps can be) is clamped to the smallest bucket and
    /// still counted; reports say which timestamp source was used.
    package mutating func record(nanoseconds: Int64) {
        _ = histogram.record(UInt64(max(1, nanoseconds / 1000)))
        count += 1
    }

    /// Looks at a frame's stamp: one later than its dequeue (vivid's
    /// end-of-frame stamps lie 0.9 frame ahead) or on another clock makes
    /// every latency of the camera meaningless, and the summary says so
    /// instead of giving figures (as bench's CaptureTimestamps does).
    package mutating func check(_ record: FrameRecord) {
        guard let dequeue = record.dequeueNanoseconds else { return }
        dequeued += 1
        if let capture = record.captureNanoseconds {
            if capture > dequeue { ahead += 1 }
        } else {
            unstamped += 1
        }
    }

    /// Why the stamps cannot be set against vblank times, nil when they can.
    package var timestampProblem: String? {
        if unstamped > 0 { return "\(unstamped) of \(dequeued) not on CLOCK_MONOTONIC" }
        if ahead > 0 { return "\(ahead) of \(dequeued) later than their dequeue" }
        return nil
    }

    /// Percentiles in milliseconds; none, and why, when the stamps are unusable.
    package var summary: LatencySummary {
        if let problem = timestampProblem {
            var empty = LatencySummary.empty
            empty.leftOut = "timestamps unusable: \(problem)"
            return empty
        }
        guard count > 0 else { return .empty }
        func milliseconds(_ microseconds: UInt64) -> Double { Double(microseconds) / 1000 }
        return LatencySummary(
            count: count, min: milliseconds(histogram.min), mean: histogram.mean / 1000,
            p50: milliseconds(histogram.valueAtPercentile(50)), p90: milliseconds(histogram.valueAtPercentile(90)),
            p99: milliseconds(histogram.valueAtPercentile(99)), p99_9: milliseconds(histogram.valueAtPercentile(99.9)),
            max: milliseconds(histogram.max))
    }
}
