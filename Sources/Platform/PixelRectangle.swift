/// A rectangle in pixels: a plane's source or destination, a region of
/// the screen, a crop on a subdevice pad (`struct v4l2_rect`).
public struct PixelRectangle: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Left edge, in pixels from the left of the frame or display.
    public var x: Int
    /// Top edge, in pixels from the top of the frame or display.
    public var y: Int
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int

    /// A rectangle with these values; no checks.
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// "640x480+192+144", as X11 geometry and modetest write it.
    public var description: String { "\(width)x\(height)+\(x)+\(y)" }

    /// "(0,60)/640x360", as media-ctl writes a pad's crop.
    public var mediaCtlDescription: String { "(\(x),\(y))/\(width)x\(height)" }
}
