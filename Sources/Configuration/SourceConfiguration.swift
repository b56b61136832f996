import Platform

/// The camera side.
public struct SourceConfiguration: Sendable, Equatable, Codable {
    /// A V4L2 node ("/dev/video0") or "auto" for the first capture device.
    public var device: String
    /// The V4L2 pixel format ("XR24"); nil lets negotiation choose.
    public var format: FourCC?
    /// Frame width in pixels to capture (1 to 16384); the driver must accept
    /// it unchanged.
    public var width: Int
    /// Frame height in pixels to capture (1 to 16384); the driver must accept
    /// it unchanged.
    public var height: Int
    /// Frames per second to ask the camera for; nil keeps the driver's.
    public var frameRate: Double?
    /// How many capture buffers to allocate (at least 3 keeps the camera
    /// busy while one buffer is on screen and one is committed).
    public var buffers: Int
    /// V4L2 controls to set before streaming, by name ("timestamp_source": 1).
    public var controls: [String: Int64]
    /// Who allocates the frame buffers: searched ("auto"), or pinned.
    public var memory: MemoryRequest
    /// Where this source goes on screen, for one of several (`sources`);
    /// nil leaves it to the layout preset. Not used by a single `source`.
    public var rect: PixelRectangle?
    /// What framepipe may do to the camera's media-controller pipeline
    /// (JSON key `media`: "auto", "as-is" or "persist").
    public var media: MediaPolicy
    /// Whether framepipe may enable a disabled media link when nothing
    /// feeds an entity of the pipeline (JSON key `enableMediaLinks`); it
    /// changes the board's routing, so it is off unless asked, and not
    /// with `media` "as-is". Disabled again at exit unless "persist".
    public var enableMediaLinks: Bool

    /// A camera side with these values; no checks. The defaults are the first
    /// capture device at 640x480, format and rate left to negotiation, four
    /// buffers.
    public init(device: String = "auto", format: FourCC? = nil, width: Int = 640, height: Int = 480,
                frameRate: Double? = nil, buffers: Int = 4, controls: [String: Int64] = [:], memory: MemoryRequest = .automatic,
                rect: PixelRectangle? = nil, media: MediaPolicy = .auto, enableMediaLinks: Bool = false) {
        self.device = device
        self.format = format
        self.width = width
        self.height = height
        self.frameRate = frameRate
        self.buffers = buffers
        self.controls = controls
        self.memory = memory
        self.rect = rect
        self.media = media
        self.enableMediaLinks = enableMediaLinks
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case device, format, width, height, frameRate, buffers, controls, memory, rect, media, enableMediaLinks }

    /// Decodes the `source` object strictly (see
    /// `configs/pipeline.schema.json`): unknown keys and out-of-range values
    /// are errors naming the key.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let defaults = SourceConfiguration()
        let container = try decoder.container(keyedBy: CodingKeys.self)
        device = try container.optional(String.self, .device) ?? defaults.device
        try container.check(device.isEmpty ? nil : device, orEmpty: device, forKey: .device,
                            "a device path such as \"/dev/video0\" or \"auto\"")
        format = try container.optional(FourCC.self, .format)
        width = try container.integer(.width) ?? defaults.width
        try container.check(width, forKey: .width, in: 1...16384, "a width in pixels from 1 to 16384")
        height = try container.integer(.height) ?? defaults.height
        try container.check(height, forKey: .height, in: 1...16384, "a height in pixels from 1 to 16384")
        frameRate = try container.optional(Double.self, .frameRate)
        try container.check(frameRate, forKey: .frameRate, in: 0.01...1000, "frames per second above 0 and at most 1000")
        buffers = try container.integer(.buffers) ?? defaults.buffers
        try container.check(buffers, forKey: .buffers, in: 2...32, "a buffer count from 2 to 32")
        controls = try container.optional([String: Int64].self, .controls) ?? [:]
        if let text = try container.optional(String.self, .memory) {
            guard let memory = MemoryRequest(parsing: text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .memory, in: container, debugDescription: "expected \(MemoryRequest.syntax), got \"\(text)\"")
            }
            self.memory = memory
        } else {
            memory = defaults.memory
        }
        rect = try container.optional(SourceRectangle.self, .rect)?.rectangle
        media = try container.optionalName(MediaPolicy.self, .media) ?? defaults.media
        enableMediaLinks = try container.optional(Bool.self, .enableMediaLinks) ?? defaults.enableMediaLinks
        if enableMediaLinks, media == .asIs {
            throw DecodingError.dataCorruptedError(
                forKey: .enableMediaLinks, in: container,
                debugDescription: "enabling media links changes the pipeline, which media \"as-is\" forbids; expected false, or media \"auto\" or \"persist\"")
        }
    }

    /// Encodes as the file is written: memory as text.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(device, forKey: .device)
        try container.encodeIfPresent(format, forKey: .format)
        try container.encode(width, forKey: .width)
        try container.encode(height, forKey: .height)
        try container.encodeIfPresent(frameRate, forKey: .frameRate)
        try container.encode(buffers, forKey: .buffers)
        try container.encode(controls, forKey: .controls)
        try container.encode(memory.description, forKey: .memory)
        try container.encodeIfPresent(rect, forKey: .rect)
        try container.encode(media, forKey: .media)
        try container.encode(enableMediaLinks, forKey: .enableMediaLinks)
    }
}
