/// A rectangle on a subdevice pad (`struct v4l2_rect`): a crop.
public struct MediaRectangle: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Left edge in pixels.
    public var x: Int
    /// Top edge in pixels.
    public var y: Int
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int

    /// A rectangle with these values.
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// "(0,0)/640x480", as media-ctl writes it.
    public var description: String { "(\(x),\(y))/\(width)x\(height)" }
}
