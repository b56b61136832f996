import CV4L2
import Platform

/// A rational number of seconds, as V4L2 frame intervals are given.
public struct Fraction: Sendable, Equatable, Codable, CustomStringConvertible {
    public var numerator: UInt32
    public var denominator: UInt32

    public init(numerator: UInt32, denominator: UInt32) {
        self.numerator = numerator
        self.denominator = denominator
    }

    init(_ raw: v4l2_fract) { self.init(numerator: raw.numerator, denominator: raw.denominator) }

    /// Frames per second for an interval (its reciprocal); 0 for a zero interval.
    public var framesPerSecond: Double {
        numerator == 0 ? 0 : Double(denominator) / Double(numerator)
    }

    public var description: String { "\(numerator)/\(denominator)" }
}
