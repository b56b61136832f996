import CV4L2
import Platform

/// A rational number of seconds, as V4L2 frame intervals are given.
public struct Fraction: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The top of the fraction (`v4l2_fract.numerator`): 1 in 1/25 s.
    public var numerator: UInt32
    /// The bottom of the fraction (`v4l2_fract.denominator`): 25 in 1/25 s.
    public var denominator: UInt32

    /// A fraction with these values; no checks (a zero denominator is kept).
    public init(numerator: UInt32, denominator: UInt32) {
        self.numerator = numerator
        self.denominator = denominator
    }

    init(_ raw: v4l2_fract) { self.init(numerator: raw.numerator, denominator: raw.denominator) }

    /// Frames per second for an interval (its reciprocal); 0 for a zero interval.
    public var framesPerSecond: Double {
        numerator == 0 ? 0 : Double(denominator) / Double(numerator)
    }

    /// The interval in seconds; 0 for a zero denominator.
    public var seconds: Double {
        denominator == 0 ? 0 : Double(numerator) / Double(denominator)
    }

    /// As V4L2 tools print it: `"1/25"`.
    public var description: String { "\(numerator)/\(denominator)" }
}
