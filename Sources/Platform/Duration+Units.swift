/// `Duration` is the public API's one unit for spans of time; inside, the
/// frame path and the kernel count integer nanoseconds (CLOCK_MONOTONIC),
/// and the reports write milliseconds and seconds as JSON numbers. These
/// are the conversions between them, in one place, so that every figure
/// converts the same way.
extension Duration {
    /// Whole nanoseconds, rounded toward zero; a span beyond Int64's ±292
    /// years saturates rather than traps (a timeout set to "forever").
    package var inNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return seconds < 0 ? .min : .max }
        let (total, carried) = whole.addingReportingOverflow(attoseconds / 1_000_000_000)
        guard !carried else { return whole < 0 ? .min : .max }
        return total
    }

    /// Seconds, as the reports and the pipeline file write them.
    package var inSeconds: Double { Double(inNanoseconds) / 1e9 }

    /// Milliseconds, as the reports write latencies.
    package var inMilliseconds: Double { Double(inNanoseconds) / 1e6 }

    /// `seconds` rounded to whole nanoseconds, so that writing it out as
    /// seconds (``inSeconds``) and reading it back gives the same value:
    /// the pipeline file's `duration` survives a round trip. Out-of-range
    /// or non-finite values saturate (callers check ranges first).
    package static func seconds(roundedToNanoseconds seconds: Double) -> Duration {
        .nanoseconds(saturatingNanoseconds(seconds * 1e9))
    }

    /// `milliseconds` rounded to whole nanoseconds: a latency figure kept
    /// in milliseconds (exact for a nanosecond sample up to 104 days).
    package static func milliseconds(roundedToNanoseconds milliseconds: Double) -> Duration {
        .nanoseconds(saturatingNanoseconds(milliseconds * 1e6))
    }

    private static func saturatingNanoseconds(_ value: Double) -> Int64 {
        guard value.isFinite else { return value.isNaN ? 0 : value < 0 ? .min : .max }
        let rounded = value.rounded()
        // 2^63 is exactly representable; anything at or above it does not fit.
        if rounded >= 9_223_372_036_854_775_808.0 { return .max }
        if rounded < -9_223_372_036_854_775_808.0 { return .min }
        return Int64(rounded)
    }
}
