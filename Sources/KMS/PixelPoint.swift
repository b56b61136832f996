import Platform

/// A point on the display, in pixels from the top-left corner.
public struct PixelPoint: Sendable, Hashable {
    public var x: Int
    public var y: Int
    public init(x: Int, y: Int) {
        self.x = x
        self.y = y
    }
}
