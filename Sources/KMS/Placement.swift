/// How a display plan shows the frame, for the plan's summary and for
/// choosing among candidates (unscaled before scaled before cropped).
public enum Placement: String, Sendable, Codable, CaseIterable {
    /// The whole frame, pixel for pixel, centred or where asked.
    case unscaled
    /// The whole frame, scaled by the plane to fit the mode with its aspect
    /// ratio kept (up or down).
    case scaledToFit = "scaled to fit"
    /// The middle of the frame, pixel for pixel: the frame is larger than
    /// the mode and no plane could scale it down.
    case cropped
}
