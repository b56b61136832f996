/// One frame size entry of a subdevice pad (`VIDIOC_SUBDEV_ENUM_FRAME_SIZE`).
public struct MediaFrameSizeRange: Sendable, Equatable, Codable {
    /// The smallest width.
    public var minWidth: Int
    /// The largest width.
    public var maxWidth: Int
    /// The smallest height.
    public var minHeight: Int
    /// The largest height.
    public var maxHeight: Int

    /// An entry with these bounds.
    public init(minWidth: Int, maxWidth: Int, minHeight: Int, maxHeight: Int) {
        self.minWidth = minWidth
        self.maxWidth = maxWidth
        self.minHeight = minHeight
        self.maxHeight = maxHeight
    }

    /// Whether `width`x`height` is in it.
    public func contains(_ width: Int, _ height: Int) -> Bool {
        (minWidth...maxWidth).contains(width) && (minHeight...maxHeight).contains(height)
    }
}
