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

    /// An empty histogram.
    package init() {}

    /// Records one latency. A negative one (a timestamp from the future,
    /// as end-of-frame stamps can be) is clamped to the smallest bucket and
    /// still counted; reports say which timestamp source was used.
    package mutating func record(nanoseconds: Int64) {
        _ = histogram.record(UInt64(max(1, nanoseconds / 1000)))
        count += 1
    }

    /// Percentiles in milliseconds.
    package var summary: LatencySummary {
        guard count > 0 else { return .empty }
        func milliseconds(_ microseconds: UInt64) -> Double { Double(microseconds) / 1000 }
        return LatencySummary(
            count: count, min: milliseconds(histogram.min), mean: histogram.mean / 1000,
            p50: milliseconds(histogram.valueAtPercentile(50)), p90: milliseconds(histogram.valueAtPercentile(90)),
            p99: milliseconds(histogram.valueAtPercentile(99)), p99_9: milliseconds(histogram.valueAtPercentile(99.9)),
            max: milliseconds(histogram.max))
    }
}
