import Platform

/// A point on the display, in pixels from the top-left corner.
public struct PixelPoint: Sendable, Hashable {
    /// Pixels from the left edge.
    public var x: Int
    /// Pixels from the top edge.
    public var y: Int
    /// The point (x, y); no checks.
    public init(x: Int, y: Int) {
        self.x = x
        self.y = y
    }
}
