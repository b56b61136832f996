import Foundation
import Platform

/// A pipeline as described in a JSON file under `configs/`: where frames
/// come from, where they go, and for how long. The JSON Schema is
/// `configs/pipeline.schema.json`; unknown keys are an error, never ignored.
public struct PipelineConfiguration: Sendable, Equatable, Codable {
    /// The camera side (JSON key `source`).
    public var source: SourceConfiguration
    /// The display side (JSON key `sink`).
    public var sink: SinkConfiguration
    /// How frames are scheduled onto the display.
    public var policy: SchedulingPolicy
    /// Stop after this many frames have been shown.
    public var frames: Int?
    /// Stop after this many seconds of streaming.
    public var duration: Double?
    /// When the camera is unplugged, keep its last frame on screen, wait
    /// for a camera with the same bus info (or at the same path) and go on
    /// (JSON key `reconnect`, default false: the run ends with an error).
    public var reconnect: Bool
    /// Whether frames may be converted (copied) when no zero-copy path
    /// works (JSON key `copy`: "never", the default, or "allowed").
    public var copy: CopyPolicy

    /// A pipeline with these values; no checks. The defaults are an
    /// automatic camera and display, mailbox scheduling and no limit.
    public init(source: SourceConfiguration = .init(), sink: SinkConfiguration = .init(),
                policy: SchedulingPolicy = .mailbox, frames: Int? = nil, duration: Double? = nil, reconnect: Bool = false,
                copy: CopyPolicy = .never) {
        self.source = source
        self.sink = sink
        self.policy = policy
        self.frames = frames
        self.duration = duration
        self.reconnect = reconnect
        self.copy = copy
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case source, sink, policy, frames, duration, reconnect, copy }

    /// Decodes a pipeline object strictly: unknown keys and out-of-range
    /// values are errors naming the key; missing keys take the defaults.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        source = try container.optional(SourceConfiguration.self, .source) ?? .init()
        sink = try container.optional(SinkConfiguration.self, .sink) ?? .init()
        policy = try container.optional(SchedulingPolicy.self, .policy) ?? .mailbox
        frames = try container.integer(.frames)
        try container.check(frames, forKey: .frames, in: 1...1_000_000_000, "a whole number of frames from 1 to 1000000000")
        duration = try container.optional(Double.self, .duration)
        try container.check(duration, forKey: .duration, in: 0.001...86_400, "a number of seconds above 0 and at most 86400")
        reconnect = try container.optional(Bool.self, .reconnect) ?? false
        copy = try container.optional(CopyPolicy.self, .copy) ?? .never
    }
}
