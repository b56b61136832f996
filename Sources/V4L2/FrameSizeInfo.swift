import Platform

/// A frame size as reported: discrete, or a stepwise range.
public struct FrameSizeInfo: Sendable, Equatable, Codable {
    /// "discrete", "stepwise" or "continuous".
    public var kind: String
    /// Width in pixels; the smallest width for a range.
    public var width: UInt32
    /// Height in pixels; the smallest height for a range.
    public var height: UInt32
    /// The largest width of a range; nil for a discrete size.
    public var maxWidth: UInt32?
    /// The largest height of a range; nil for a discrete size.
    public var maxHeight: UInt32?
    /// Widths of a range go up in steps of this many pixels (1 when
    /// continuous); nil for a discrete size.
    public var stepWidth: UInt32?
    /// Heights of a range go up in steps of this many pixels (1 when
    /// continuous); nil for a discrete size.
    public var stepHeight: UInt32?
    /// Frame intervals at this size (at the smallest size of a range).
    public var intervals: [FrameIntervalInfo]
}
