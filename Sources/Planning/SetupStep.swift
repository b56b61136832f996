import Platform

/// One step of ``FramePipeline/init(configuration:)`` and how long it
/// took, so that start-up can be taken apart (`framepipe bench` reports
/// them).
public struct SetupStep: Sendable, Codable, Equatable {
    /// What the step did: "open camera", "open display", "plan",
    /// "display", "buffers".
    public var name: String
    /// Wall time the step took, in milliseconds: the form `report.json`
    /// writes (JSON key `milliseconds`).
    package var milliseconds: Double

    /// A step with these values; no checks.
    package init(name: String, milliseconds: Double) {
        self.name = name
        self.milliseconds = milliseconds
    }

    /// Wall time the step took.
    public var duration: Duration { .milliseconds(roundedToNanoseconds: milliseconds) }
}
