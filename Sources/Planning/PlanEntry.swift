/// One line of a ``PipelinePlan``: a candidate (or an allocator that could
/// not be tried) and what became of it.
public struct PlanEntry: Sendable, Codable, Equatable, CustomStringConvertible {
    /// What became of a candidate.
    public enum Outcome: String, Sendable, Codable {
        /// The first candidate the hardware took: the pipeline uses it.
        case chosen
        /// Tried and refused; ``PlanEntry/reason`` says by what.
        case rejected
        /// Not tryable on this hardware (an allocator a device lacks).
        case unavailable
        /// Not tried: an earlier candidate was taken.
        case notTried = "not tried"
    }

    /// Who allocates: "camera memory", "display memory", "heap system".
    public var memory: String
    /// The format's name ("XRGB8888"), nil for an unavailable allocator.
    public var format: String?
    /// The frame size asked of the camera ("640x480").
    public var size: String?
    /// The display plan (plane, rectangles, placement, mode, CRTC, connector).
    public var display: String?
    /// What became of it.
    public var outcome: Outcome
    /// Why it was rejected or unavailable (the failing call and errno, and
    /// what that usually means); nil when chosen or not tried.
    public var reason: String?

    /// An entry with these values.
    package init(memory: String, format: String? = nil, size: String? = nil, display: String? = nil, outcome: Outcome, reason: String? = nil) {
        self.memory = memory
        self.format = format
        self.size = size
        self.display = display
        self.outcome = outcome
        self.reason = reason
    }

    /// The entry of `candidate`.
    init(_ candidate: PipelineCandidate, outcome: Outcome, reason: String? = nil) {
        self.init(
            memory: candidate.memory.description, format: candidate.pixelFormat.name,
            size: "\(candidate.capture.width)x\(candidate.capture.height)"
                + (candidate.copyLayout.map { " scaled by libyuv to \($0.targetDescription)" } ?? ""),
            display: candidate.display.description,
            outcome: outcome, reason: reason)
    }

    /// "rejected: camera memory, XRGB8888 640x480 → plane 31 ...: TEST_ONLY EINVAL (...)".
    public var description: String {
        var text = "\(outcome.rawValue): \(memory)"
        if let format, let size { text += ", \(format) \(size)" }
        if let display { text += " → \(display)" }
        if let reason { text += ": \(reason)" }
        return text
    }
}
