/// Whether the pipeline may copy frames when no zero-copy path works
/// (JSON key `copy`; flag `--allow-copy`).
public enum CopyPolicy: String, Sendable, Codable, CaseIterable {
    /// Zero-copy or nothing: with no shared format the run is refused,
    /// with the hint to allow a copy. The default.
    case never
    /// After every zero-copy candidate, try converting each frame with
    /// libyuv into a display buffer in a format a plane shows (counted).
    case allowed
}
