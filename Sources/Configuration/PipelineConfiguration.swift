import Platform

/// A pipeline as described in a JSON file under `configs/`: where frames
/// come from, where they go, and for how long. The JSON Schema is
/// `configs/pipeline.schema.json`; unknown keys are an error, never ignored.
public struct PipelineConfiguration: Sendable, Equatable, Codable {
    /// The camera side (JSON key `source`); with ``sources``, the first of them.
    public var source: SourceConfiguration
    /// Several cameras on one screen (JSON key `sources`, instead of
    /// `source`), in z-order: the first at the bottom. Empty for one camera.
    public var sources: [SourceConfiguration]
    /// Where ``sources`` go when they give no `rect` (JSON key `layout`;
    /// default `grid`).
    public var layout: LayoutPreset?
    /// What a run with several sources does when one fails or is
    /// unplugged (JSON key `onSourceLoss`; default `stop`).
    public var onSourceLoss: SourceLossPolicy
    /// The display side (JSON key `sink`).
    public var sink: SinkConfiguration
    /// How frames are scheduled onto the display.
    public var policy: SchedulingPolicy
    /// Stop after this many frames have been shown.
    public var frames: Int?
    /// Stop after streaming this long (JSON key `duration`, in seconds;
    /// read to whole nanoseconds).
    public var duration: Duration?
    /// When the camera is unplugged, keep its last frame on screen, wait
    /// for a camera with the same bus info (or at the same path) and go on
    /// (JSON key `reconnect`, default false: the run ends with an error).
    public var reconnect: Bool
    /// Whether frames may be converted (copied) when no zero-copy path
    /// works (JSON key `copy`: "never", the default, or "allowed").
    public var copy: CopyPolicy
    /// How frame readiness reaches the pipeline (JSON key `eventLoop`:
    /// "thread", the default, or "dispatch").
    public var eventLoop: EventLoopKind
    /// Whether the waiter thread asks for real-time scheduling (JSON key
    /// `realtime`, default false): SCHED_FIFO, refused with one warning
    /// where the process may not, the run going on.
    public var realtime: Bool

    /// A pipeline with these values; no checks. The defaults are an
    /// automatic camera and display, mailbox scheduling and no limit.
    public init(source: SourceConfiguration = .init(), sink: SinkConfiguration = .init(),
                policy: SchedulingPolicy = .mailbox, frames: Int? = nil, duration: Duration? = nil, reconnect: Bool = false,
                copy: CopyPolicy = .never, sources: [SourceConfiguration] = [], layout: LayoutPreset? = nil,
                onSourceLoss: SourceLossPolicy = .stop, eventLoop: EventLoopKind = .thread, realtime: Bool = false) {
        self.source = sources.first ?? source
        self.sources = sources
        self.layout = layout
        self.onSourceLoss = onSourceLoss
        self.sink = sink
        self.policy = policy
        self.frames = frames
        self.duration = duration
        self.reconnect = reconnect
        self.copy = copy
        self.eventLoop = eventLoop
        self.realtime = realtime
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case source, sources, layout, onSourceLoss, sink, policy, frames, duration, reconnect, copy, eventLoop, realtime }

    /// Decodes a pipeline object strictly: unknown keys and out-of-range
    /// values are errors naming the key; missing keys take the defaults.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        source = try container.optional(SourceConfiguration.self, .source) ?? .init()
        sources = try container.optional([SourceConfiguration].self, .sources) ?? []
        layout = try container.optionalName(LayoutPreset.self, .layout)
        onSourceLoss = try container.optionalName(SourceLossPolicy.self, .onSourceLoss) ?? .stop
        sink = try container.optional(SinkConfiguration.self, .sink) ?? .init()
        policy = try container.optional(SchedulingPolicy.self, .policy) ?? .mailbox
        frames = try container.integer(.frames)
        try container.check(frames, forKey: .frames, in: 1...1_000_000_000, "a whole number of frames from 1 to 1000000000")
        let seconds = try container.optional(Double.self, .duration)
        try container.check(seconds, forKey: .duration, in: 0.001...86_400, "a number of seconds above 0 and at most 86400")
        duration = seconds.map { Duration.seconds(roundedToNanoseconds: $0) }
        reconnect = try container.optional(Bool.self, .reconnect) ?? false
        copy = try container.optionalName(CopyPolicy.self, .copy) ?? .never
        eventLoop = try container.optionalName(EventLoopKind.self, .eventLoop) ?? .thread
        realtime = try container.optional(Bool.self, .realtime) ?? false
        try checkSources(container)
    }

    /// Encodes as the file is written: `source` for one camera, `sources`
    /// (with `layout` and `onSourceLoss`) for several.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if isComposite {
            try container.encode(sources, forKey: .sources)
            try container.encodeIfPresent(layout, forKey: .layout)
            try container.encode(onSourceLoss, forKey: .onSourceLoss)
        } else {
            try container.encode(source, forKey: .source)
        }
        try container.encode(sink, forKey: .sink)
        try container.encode(policy, forKey: .policy)
        try container.encodeIfPresent(frames, forKey: .frames)
        try container.encodeIfPresent(duration?.inSeconds, forKey: .duration)
        try container.encode(reconnect, forKey: .reconnect)
        try container.encode(copy, forKey: .copy)
        try container.encode(eventLoop, forKey: .eventLoop)
        try container.encode(realtime, forKey: .realtime)
    }

    /// Whether this pipeline shows several sources (the file has `sources`).
    public var isComposite: Bool { !sources.isEmpty }

    /// The rules that tie `sources` to the rest of the file.
    private mutating func checkSources(_ container: KeyedDecodingContainer<CodingKeys>) throws {
        func refuse(_ key: CodingKeys, _ problem: String) -> DecodingError {
            DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: problem)
        }
        guard container.contains(.sources) else {
            if source.rect != nil { throw refuse(.source, "\"rect\" places one of several \"sources\"; one camera uses sink.position") }
            if container.contains(.layout) { throw refuse(.layout, "a layout places several \"sources\"; this file has one \"source\"") }
            return
        }
        if container.contains(.source) { throw refuse(.sources, "expected \"source\" for one camera or \"sources\" for several, not both") }
        guard (1...8).contains(sources.count) else { throw refuse(.sources, "expected 1 to 8 sources, got \(sources.count)") }
        source = sources[0]
        let placed = sources.filter { $0.rect != nil }.count
        if layout != nil, placed > 0 { throw refuse(.layout, "expected a layout or a \"rect\" for every source, not both") }
        if layout == nil, placed != 0, placed != sources.count {
            throw refuse(.sources, "expected a \"rect\" for every source or for none (then the layout places them); \(placed) of \(sources.count) have one")
        }
        let devices = sources.map(\.device).filter { $0 != "auto" }
        if let twice = devices.first(where: { device in devices.filter { $0 == device }.count > 1 }) {
            throw refuse(.sources, "expected each camera once; \(twice) is listed twice")
        }
        if sources.count > 1, sources.contains(where: { $0.device == "auto" }) {
            throw refuse(.sources, "expected a device path for each of several sources (\"auto\" would pick the same camera)")
        }
        if sink.position != nil { throw refuse(.sink, "\"position\" places one camera; several \"sources\" use \"rect\" or \"layout\"") }
        if sink.legacy { throw refuse(.sink, "\"legacy\" KMS shows one plane; several \"sources\" need atomic commits") }
    }
}
