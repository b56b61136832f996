import Platform

/// Whether a display is attached to a connector.
/// The corresponding C type is `drmModeConnection`.
public enum ConnectorStatus: String, Codable, Sendable, Equatable {
    case connected
    case disconnected
    /// The hardware cannot tell; worth trying when nothing is `connected`.
    case unknown
}
