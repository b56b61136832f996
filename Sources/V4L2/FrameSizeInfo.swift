import Platform

/// A frame size as reported: discrete, or a stepwise range.
public struct FrameSizeInfo: Sendable, Equatable, Codable {
    /// "discrete", "stepwise" or "continuous".
    public var kind: String
    public var width: UInt32
    public var height: UInt32
    /// For ranges only: the largest size and the steps.
    public var maxWidth: UInt32?
    public var maxHeight: UInt32?
    public var stepWidth: UInt32?
    public var stepHeight: UInt32?
    /// Frame intervals at this size (at the smallest size of a range).
    public var intervals: [FrameIntervalInfo]
}
