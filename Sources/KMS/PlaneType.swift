import Platform

/// The role of a plane, from its immutable "type" property.
public enum PlaneType: String, Codable, Sendable, Equatable {
    /// The base layer a CRTC needs to light up (`DRM_PLANE_TYPE_PRIMARY`).
    case primary
    /// An extra layer composed above or below the primary (`DRM_PLANE_TYPE_OVERLAY`).
    case overlay
    /// A small layer for a pointer (`DRM_PLANE_TYPE_CURSOR`).
    case cursor
}
