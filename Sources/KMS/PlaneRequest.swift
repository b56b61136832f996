import Platform

/// A plane as a person asks for it: "auto", "primary", "overlay" or a plane
/// id. This is the one parser of plane text: `sink.plane` and `--plane`
/// both use it.
public enum PlaneRequest: Sendable, Hashable, CustomStringConvertible {
    /// Any plane that can show the frame, primary planes first (as
    /// libcamera's KMS sink does); never a cursor plane.
    case automatic
    /// Primary planes only.
    case primary
    /// Overlay planes only.
    case overlay
    /// This plane and no other.
    case id(PlaneID)

    /// What a plane may be written as, for error messages and `--help`.
    public static let syntax = #""auto", "primary", "overlay" or a plane id such as "31""#

    /// Reads "auto", "primary", "overlay" or a decimal plane id; anything
    /// else is nil.
    public init?(parsing text: String) {
        switch text.trimmingWhitespace() {
        case "auto": self = .automatic
        case "primary": self = .primary
        case "overlay": self = .overlay
        case let other:
            guard let number = UInt32(other), number > 0 else { return nil }
            self = .id(PlaneID(number))
        }
    }

    /// As it is written: "auto", "primary", "overlay" or the id.
    public var description: String {
        switch self {
        case .automatic: return "auto"
        case .primary: return "primary"
        case .overlay: return "overlay"
        case .id(let id): return String(id.rawValue)
        }
    }

    /// Whether the formats of `plane` count when negotiating a format for
    /// this request: the planes of the requested type (or the one plane
    /// asked for), and for `automatic` every plane but cursors.
    package func considers(_ plane: PlaneInfo) -> Bool {
        switch self {
        case .automatic: return plane.type != .cursor
        case .primary: return plane.type == .primary
        case .overlay: return plane.type == .overlay
        case .id(let id): return plane.id == id
        }
    }
}
