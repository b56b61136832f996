import Platform

/// Whether a display is attached to a connector.
/// The corresponding C type is `drmModeConnection`.
public enum ConnectorStatus: String, Codable, Sendable, Equatable {
    /// A display is attached (`DRM_MODE_CONNECTED`).
    case connected
    /// Nothing is attached (`DRM_MODE_DISCONNECTED`).
    case disconnected
    /// The hardware cannot tell; worth trying when nothing is `connected`.
    case unknown
}
