import Platform

/// A frame interval as reported, with the rate it means.
public struct FrameIntervalInfo: Sendable, Equatable, Codable {
    /// "discrete", "stepwise" or "continuous".
    public var kind: String
    /// Seconds per frame, e.g. "1/30"; the shortest interval for ranges.
    public var interval: String
    /// Frames per second at `interval`.
    public var framesPerSecond: Double
    /// For ranges: the longest interval.
    public var maxInterval: String?
}
