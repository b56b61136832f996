import Platform

/// A rectangle in pixels.
public struct PixelRectangle: Sendable, Hashable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// "640x480+192+144", as X11 geometry and modetest write it.
    public var description: String { "\(width)x\(height)+\(x)+\(y)" }
}
