/// Why a display plan uses its mode.
public enum ModeChoice: String, Sendable, Codable, CaseIterable {
    /// The mode the pipeline asked for (`sink.mode`, `--mode`).
    case requested
    /// The connector's preferred mode.
    case preferred
    /// A mode of exactly the frame's size: the frame covers the screen
    /// unscaled, where a plane must cover the CRTC.
    case frameSize = "frame size"
    /// The smallest mode that holds the frame, when none has its size.
    case smallestHolding = "smallest holding the frame"
    /// The largest mode the frame covers, for a frame cropped to fill it
    /// (a primary plane that must cover the CRTC, and no mode holds the frame).
    case largestCovered = "largest covered by the frame"

    /// Why, in words: "as requested", "the connector's preferred mode", ...
    public var reason: String {
        switch self {
        case .requested: return "as requested"
        case .preferred: return "the connector's preferred mode"
        case .frameSize: return "the frame's size"
        case .smallestHolding: return "the smallest mode holding the frame"
        case .largestCovered: return "the largest mode the frame covers"
        }
    }
}
