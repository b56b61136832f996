import V4L2

/// The camera rate framepipe asks for when neither the file nor the flags
/// name one: the highest the camera offers at the chosen format and size,
/// up to the display's refresh rate. Without it a camera keeps whatever
/// rate it had (vivid starts at 5 fps), and a rate above the display's only
/// produces frames that are never shown.
package struct FrameRateChoice: Sendable, Equatable {
    /// The interval to ask `VIDIOC_S_PARM` for; nil keeps the driver's
    /// (it lists no intervals for this format and size).
    package var interval: Fraction?
    /// Why, for the plan line: "the highest /dev/video0 offers at 640x480
    /// up to the display's 60 Hz".
    package var reason: String

    /// A choice with these values; no checks.
    package init(interval: Fraction?, reason: String) {
        self.interval = interval
        self.reason = reason
    }

    /// Rates up to this factor above the refresh rate count as "up to" it,
    /// so that a 60 fps camera is chosen for a 59.94 Hz display.
    static let tolerance = 1.01

    /// Chooses from `offered` (`VIDIOC_ENUM_FRAMEINTERVALS` at the format
    /// and size): the shortest interval whose rate is at most `refreshHz`
    /// (within ``tolerance``); if every offered rate is faster, the slowest
    /// one. A range contributes the interval nearest the refresh rate that
    /// its steps allow. `refreshHz` ≤ 0 (unknown) means the highest rate.
    package static func choose(
        offered: [FrameIntervalRange], refreshHz: Double, camera: String, size: String
    ) -> FrameRateChoice {
        let shortest = refreshHz > 0 ? 1 / (refreshHz * tolerance) : 0
        var candidates: [(seconds: Double, interval: Fraction)] = []
        for range in offered {
            switch range {
            case .discrete(let interval):
                if interval.numerator > 0, interval.denominator > 0 { candidates.append((seconds(interval), interval)) }
            case .stepwise(let min, let max, let step):
                let low = seconds(min), high = seconds(max), stride = seconds(step)
                guard min.denominator > 0, max.denominator > 0, low > 0, high >= low else { continue }
                candidates.append((low, min))
                candidates.append((high, max))
                if shortest > low, shortest < high {
                    // The first step at or above the shortest allowed interval.
                    let steps = stride > 0 ? ((shortest - low) / stride).rounded(.up) : 0
                    let value = Swift.min(high, low + steps * stride)
                    candidates.append((value, interval(seconds: value)))
                }
            }
        }
        let size = "at \(size)"
        guard !candidates.isEmpty else {
            return FrameRateChoice(interval: nil, reason: "the driver's rate: \(camera) lists none \(size)")
        }
        let allowed = candidates.filter { $0.seconds >= shortest * 0.999_999 }
        if let best = allowed.min(by: { $0.seconds < $1.seconds }) {
            let limit = refreshHz > 0 ? " up to the display's \(rateLabel(refreshHz)) Hz" : ""
            return FrameRateChoice(interval: best.interval, reason: "the highest \(camera) offers \(size)\(limit)")
        }
        let slowest = candidates.max { $0.seconds < $1.seconds }
        return FrameRateChoice(
            interval: slowest?.interval,
            reason: "the lowest \(camera) offers \(size); every rate it offers is above the display's \(rateLabel(refreshHz)) Hz")
    }

    private static func seconds(_ fraction: Fraction) -> Double {
        fraction.denominator == 0 ? 0 : Double(fraction.numerator) / Double(fraction.denominator)
    }

    /// An interval of `seconds` as a fraction with a microsecond-ish
    /// denominator.
    private static func interval(seconds: Double) -> Fraction {
        Fraction(numerator: UInt32((seconds * 1_000_000).rounded()), denominator: 1_000_000)
    }
}
