import Platform

/// Decodes a source's `"rect"` (where one of several sources goes on
/// screen, in pixels of the display's mode) strictly:
/// `{"x", "y", "width", "height"}`, all four required, no other keys.
struct SourceRectangle: Decodable {
    /// The rectangle decoded.
    let rectangle: PixelRectangle

    enum CodingKeys: String, CodingKey, CaseIterable { case x, y, width, height }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let x = try container.requiredPixelOffset(.x)
        let y = try container.requiredPixelOffset(.y)
        let width = try container.requiredInteger(.width)
        try container.check(width, forKey: .width, in: 2...16384, "a width in pixels from 2 to 16384")
        let height = try container.requiredInteger(.height)
        try container.check(height, forKey: .height, in: 2...16384, "a height in pixels from 2 to 16384")
        rectangle = PixelRectangle(x: x, y: y, width: width, height: height)
    }
}
