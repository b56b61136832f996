/// Why a run ended.
public enum StopReason: String, Sendable, Codable {
    /// The requested number of frames was shown.
    case frameCount = "frame count reached"
    /// The requested duration passed.
    case duration = "duration reached"
    /// SIGINT (the CLI's Ctrl-C).
    case interrupted = "SIGINT"
    /// SIGTERM.
    case terminated = "SIGTERM"
    /// ``FramePipeline/stop(_:)`` was called.
    case requested = "stop requested"
    /// A device failed; the run's error says how.
    case failed = "error"
}
