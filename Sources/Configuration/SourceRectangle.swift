import Platform

/// Where one of several sources goes on screen (`"rect"` in a `sources`
/// entry), in pixels of the display's mode: the frame is fitted into it as
/// one camera's frame is into a whole screen (unscaled and centred when it
/// fits, scaled where the plane can, else cropped).
public struct SourceRectangle: Sendable, Equatable, Codable {
    /// Pixels from the left edge.
    public var x: Int
    /// Pixels from the top edge.
    public var y: Int
    /// Width in pixels (at least 2).
    public var width: Int
    /// Height in pixels (at least 2).
    public var height: Int

    /// The rectangle at (x, y) of `width` x `height`; no checks.
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// The same rectangle in KMS's terms.
    public var pixelRectangle: PixelRectangle { PixelRectangle(x: x, y: y, width: width, height: height) }

    enum CodingKeys: String, CodingKey, CaseIterable { case x, y, width, height }

    /// Decodes `{"x", "y", "width", "height"}` strictly: all four required, no other keys.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        x = try container.requiredPixelOffset(.x)
        y = try container.requiredPixelOffset(.y)
        width = try container.requiredInteger(.width)
        try container.check(width, forKey: .width, in: 2...16384, "a width in pixels from 2 to 16384")
        height = try container.requiredInteger(.height)
        try container.check(height, forKey: .height, in: 2...16384, "a height in pixels from 2 to 16384")
    }
}
