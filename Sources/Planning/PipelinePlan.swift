/// What setting up a pipeline tried, in order, and what it chose: the
/// answer to "why does my preview not start", or why it looks as it does.
public struct PipelinePlan: Sendable, Codable, Equatable {
    /// The camera's device node.
    public var camera: String
    /// The display's card.
    public var card: String
    /// Every candidate in the order of preference, with its outcome;
    /// allocators that could not be tried come first.
    public var entries: [PlanEntry]
    /// The rate the camera took and why ("60 fps, the highest /dev/video0
    /// offers at 640x480 up to the display's 60 Hz", "25 fps, as asked");
    /// nil until a candidate was chosen.
    public var frameRate: String?
    /// The camera's media-controller pipeline: its pads' formats and the
    /// sensor modes tried; nil for a plain V4L2 node.
    public var media: MediaPlan?

    /// A plan with these entries.
    package init(camera: String, card: String, entries: [PlanEntry], frameRate: String? = nil) {
        self.camera = camera
        self.card = card
        self.entries = entries
        self.frameRate = frameRate
    }

    /// The entry the pipeline uses, if one was taken.
    public var chosen: PlanEntry? { entries.first { $0.outcome == .chosen } }

    /// The entries refused by the hardware, in the order they were tried.
    public var rejected: [PlanEntry] { entries.filter { $0.outcome == .rejected } }

    /// One line for a summary: "plan: camera memory, XRGB8888 640x480 →
    /// plane 33 (overlay) ... (2 candidates refused before it)".
    public var summary: String {
        guard let chosen else { return "plan: nothing works (\(rejected.count) candidates refused)" }
        var text = "plan: \(chosen.memory), \(chosen.format ?? "") \(chosen.size ?? "") → \(chosen.display ?? "")"
        let refused = rejected.count
        if refused > 0 { text += " (\(refused) candidate\(refused == 1 ? "" : "s") refused before it)" }
        if let frameRate { text += "; " + frameRate }
        return text
    }

    /// The refused candidates on one line: each display plan once, with
    /// the allocators it was tried with and the reason ("plane 31 (primary)
    /// ... [camera memory, display memory]: TEST_ONLY EINVAL; ... | ...").
    /// Unavailable allocators are named too.
    public var refusals: String {
        var groups: [(display: String, reason: String, memories: [String])] = []
        var unavailable: [String] = []
        for entry in entries {
            if entry.outcome == .unavailable {
                unavailable.append("\(entry.memory) unavailable: \(entry.reason ?? "")")
                continue
            }
            guard entry.outcome == .rejected, let display = entry.display else { continue }
            let reason = entry.reason ?? "rejected"
            if let index = groups.firstIndex(where: { $0.display == display && $0.reason == reason }) {
                groups[index].memories.append(entry.memory)
            } else {
                groups.append((display, reason, [entry.memory]))
            }
        }
        let lines = groups.map { "\($0.display) [\($0.memories.joined(separator: ", "))]: \($0.reason)" } + unavailable
        return lines.isEmpty ? "nothing (no candidate)" : lines.joined(separator: " | ")
    }

    /// Every entry, one per line, numbered as tried.
    public var explanation: String {
        var lines = ["\(camera) → \(card), candidates in the order tried:"]
        for (number, entry) in entries.enumerated() {
            lines.append("\(number + 1). \(entry)")
        }
        if let media {
            lines.append("sensor modes of the media pipeline, in the order tried:")
            for (number, attempt) in media.sensorModes.enumerated() { lines.append("\(number + 1). \(attempt)") }
        }
        return lines.joined(separator: "\n")
    }
}
