import KMS
import Platform

/// The display side of a pipeline.
public struct SinkConfiguration: Sendable, Equatable, Codable {
    /// A DRM card ("/dev/dri/card0") or "auto" for the first card that can display.
    public var card: String
    /// Connector name ("Virtual-1", "HDMI-A-1"); nil for the first connected one.
    public var connector: String?
    /// The mode; nil for the connector's preferred mode. Written as
    /// ``ModeRequest/syntax`` says.
    public var mode: ModeRequest?
    /// The plane, or kind of plane, to show the frames on.
    public var plane: PlaneRequest
    /// Where the frame's top-left corner goes; nil centres it.
    public var position: Position?
    /// Use legacy KMS (SetCrtc + PageFlip) even when atomic is available.
    public var legacy: Bool

    /// A point on the screen, in pixels from the top-left corner.
    public struct Position: Sendable, Equatable, Codable {
        /// Pixels from the left edge.
        public var x: Int
        /// Pixels from the top edge.
        public var y: Int

        /// The point (x, y).
        public init(x: Int, y: Int) {
            self.x = x
            self.y = y
        }

        enum CodingKeys: String, CodingKey, CaseIterable { case x, y }

        /// Decodes `{"x": ..., "y": ...}` strictly: both required, no other keys.
        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            x = try container.requiredPixelOffset(.x)
            y = try container.requiredPixelOffset(.y)
        }
    }

    /// The defaults: the first card with a display, its first connected
    /// connector and preferred mode, any plane, centred, atomic.
    public init(card: String = "auto", connector: String? = nil, mode: ModeRequest? = nil, plane: PlaneRequest = .automatic,
                position: Position? = nil, legacy: Bool = false) {
        self.card = card
        self.connector = connector
        self.mode = mode
        self.plane = plane
        self.position = position
        self.legacy = legacy
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case card, connector, mode, plane, position, legacy }

    /// Decodes the `sink` object strictly (see `configs/pipeline.schema.json`).
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let defaults = SinkConfiguration()
        let container = try decoder.container(keyedBy: CodingKeys.self)
        card = try container.optional(String.self, .card) ?? defaults.card
        try container.check(card.isEmpty ? nil : card, orEmpty: card, forKey: .card,
                            "a DRM card path such as \"/dev/dri/card0\" or \"auto\"")
        connector = try container.optional(String.self, .connector)
        if let text = try container.optional(String.self, .mode) {
            guard let mode = ModeRequest(parsing: text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .mode, in: container, debugDescription: "expected a mode: \(ModeRequest.syntax); got \"\(text)\"")
            }
            self.mode = mode
        } else {
            mode = nil
        }
        if let text = try container.optional(String.self, .plane) {
            guard let plane = PlaneRequest(parsing: text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .plane, in: container, debugDescription: "expected \(PlaneRequest.syntax), got \"\(text)\"")
            }
            self.plane = plane
        } else {
            plane = defaults.plane
        }
        position = try container.optional(Position.self, .position)
        legacy = try container.optional(Bool.self, .legacy) ?? false
    }

    /// Encodes as the file is written: mode and plane as text.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(card, forKey: .card)
        try container.encodeIfPresent(connector, forKey: .connector)
        try container.encodeIfPresent(mode?.description, forKey: .mode)
        try container.encode(plane.description, forKey: .plane)
        try container.encodeIfPresent(position, forKey: .position)
        try container.encode(legacy, forKey: .legacy)
    }
}
