import Platform

/// Percentiles of one latency: exact from the samples (``init(nanoseconds:)``,
/// reports), or from an HDR histogram recorded in microseconds, 3
/// significant digits (``LatencyHistogram``, a pipeline's running figures,
/// which keep no samples).
///
/// The figures are kept as the reports write them, milliseconds as JSON
/// numbers under the keys `count`, `min`, `mean`, `p50`, `p90`, `p99`,
/// `p99_9` and `max` (report.json and `preview --json` are read by other
/// programs); the public face gives each as a `Duration`, rounded to
/// whole nanoseconds (an exact sample's own value).
public struct LatencySummary: Sendable, Codable, Equatable {
    /// Samples summarised, negative ones included.
    public var count: Int
    package var minMilliseconds: Double
    package var meanMilliseconds: Double
    package var p50Milliseconds: Double
    package var p90Milliseconds: Double
    package var p99Milliseconds: Double
    package var p99_9Milliseconds: Double
    package var maxMilliseconds: Double
    /// Why there are no figures although frames were shown (the camera's
    /// timestamps are unusable: "timestamps unusable: 99 of 99 later than
    /// their dequeue"); nil otherwise.
    public var leftOut: String?

    enum CodingKeys: String, CodingKey {
        case count, leftOut
        case minMilliseconds = "min", meanMilliseconds = "mean", p50Milliseconds = "p50", p90Milliseconds = "p90"
        case p99Milliseconds = "p99", p99_9Milliseconds = "p99_9", maxMilliseconds = "max"
    }

    /// The smallest sample.
    public var min: Duration { .milliseconds(roundedToNanoseconds: minMilliseconds) }
    /// The arithmetic mean.
    public var mean: Duration { .milliseconds(roundedToNanoseconds: meanMilliseconds) }
    /// The median: half the samples are at or below it.
    public var p50: Duration { .milliseconds(roundedToNanoseconds: p50Milliseconds) }
    /// The 90th percentile.
    public var p90: Duration { .milliseconds(roundedToNanoseconds: p90Milliseconds) }
    /// The 99th percentile.
    public var p99: Duration { .milliseconds(roundedToNanoseconds: p99Milliseconds) }
    /// The 99.9th percentile.
    public var p99_9: Duration { .milliseconds(roundedToNanoseconds: p99_9Milliseconds) }
    /// The largest sample.
    public var max: Duration { .milliseconds(roundedToNanoseconds: maxMilliseconds) }

    /// No samples.
    public static let empty = LatencySummary(count: 0, min: 0, mean: 0, p50: 0, p90: 0, p99: 0, p99_9: 0, max: 0)

    /// A summary with these figures, in milliseconds.
    package init(count: Int, min: Double, mean: Double, p50: Double, p90: Double, p99: Double, p99_9: Double, max: Double) {
        self.count = count
        minMilliseconds = min
        meanMilliseconds = mean
        p50Milliseconds = p50
        p90Milliseconds = p90
        p99Milliseconds = p99
        p99_9Milliseconds = p99_9
        maxMilliseconds = max
    }

    /// Summarises nanosecond samples exactly: nearest-rank percentiles of
    /// the sorted samples (p50 is the smallest sample with half the samples
    /// at or below it). Negative samples (a timestamp from the future, as
    /// with end-of-frame stamps) count as 1 µs, as in ``LatencyHistogram``,
    /// and are counted in `count`; the report says which timestamp source
    /// was used.
    ///
    /// Sorting, not an HDR histogram: a report has every sample at hand,
    /// and summarising them through the histogram walked its ~23,000
    /// buckets once per figure, generically (hdrhistogram-swift is not
    /// specialised across the module boundary): 88 ms of `framepipe bench`'s
    /// fixed cost in the lab for four summaries, against well under 1 ms.
    package init(nanoseconds samples: [Int64]) {
        guard !samples.isEmpty else {
            self = .empty
            return
        }
        let sorted = samples.map { Swift.max($0, 1000) }.sorted()
        func milliseconds(_ nanoseconds: Int64) -> Double { Double(nanoseconds) / 1e6 }
        func percentile(_ p: Double) -> Double {
            let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
            return milliseconds(sorted[Swift.min(Swift.max(rank, 1), sorted.count) - 1])
        }
        let total = sorted.reduce(0.0) { $0 + Double($1) }
        self.init(
            count: sorted.count, min: milliseconds(sorted[0]), mean: total / Double(sorted.count) / 1e6,
            p50: percentile(50), p90: percentile(90), p99: percentile(99), p99_9: percentile(99.9),
            max: milliseconds(sorted[sorted.count - 1]))
    }
}
