import Foundation

/// Percentiles of one latency, in milliseconds, from an HDR histogram
/// recorded in microseconds (3 significant digits).
public struct LatencySummary: Sendable, Codable, Equatable {
    /// Samples summarised, negative ones included.
    public var count: Int
    /// The smallest sample in milliseconds.
    public var min: Double
    /// The arithmetic mean in milliseconds.
    public var mean: Double
    /// The median in milliseconds: half the samples are at or below it.
    public var p50: Double
    /// The 90th percentile in milliseconds.
    public var p90: Double
    /// The 99th percentile in milliseconds.
    public var p99: Double
    /// The 99.9th percentile in milliseconds (JSON key `p99_9`).
    public var p99_9: Double
    /// The largest sample in milliseconds.
    public var max: Double

    /// No samples.
    public static let empty = LatencySummary(count: 0, min: 0, mean: 0, p50: 0, p90: 0, p99: 0, p99_9: 0, max: 0)

    /// A summary with these figures.
    public init(count: Int, min: Double, mean: Double, p50: Double, p90: Double, p99: Double, p99_9: Double, max: Double) {
        self.count = count
        self.min = min
        self.mean = mean
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
        self.p99_9 = p99_9
        self.max = max
    }

    /// Summarises nanosecond samples. Negative samples (a timestamp from the
    /// future, as with end-of-frame stamps) are clamped to the smallest
    /// bucket (1 µs) and counted in `count`; the report says which
    /// timestamp source was used.
    public init(nanoseconds samples: [Int64]) {
        var histogram = LatencyHistogram()
        for sample in samples { histogram.record(nanoseconds: sample) }
        self = histogram.summary
    }
}
