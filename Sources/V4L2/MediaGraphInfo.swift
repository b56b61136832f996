import Platform

/// What `framepipe list` reports of a media device: its graph with each
/// subdevice pad's current format and crop, as `media-ctl -p` prints it.
public struct MediaGraphInfo: Sendable, Codable, Equatable {
    /// One pad and what it carries.
    public struct PadInfo: Sendable, Codable, Equatable {
        /// Its index in the entity.
        public var index: UInt32
        /// "sink" or "source".
        public var direction: String
        /// The active format, for a subdevice pad.
        public var format: MediaBusFormat?
        /// "SRGGB8_1X8/640x480" (absent with the format).
        public var formatText: String?
        /// The active crop, where the entity crops.
        public var crop: PixelRectangle?
        /// The links at this pad: the far end ("Debayer A":0) and state.
        public var links: [LinkInfo]
    }

    /// One end of a link as seen from a pad.
    public struct LinkInfo: Sendable, Codable, Equatable {
        /// The pad at the far end, as media-ctl names it.
        public var remote: String
        /// Whether frames flow over it.
        public var enabled: Bool
        /// Whether it cannot be changed.
        public var immutable: Bool
    }

    /// One entity.
    public struct EntityInfo: Sendable, Codable, Equatable {
        /// The kernel's entity id.
        public var id: UInt32
        /// Its name.
        public var name: String
        /// "sensor", "video node" or the function number in hex.
        public var function: String
        /// Its device node, if it has one.
        public var node: String?
        /// Its pads, by index.
        public var pads: [PadInfo]
    }

    /// The media device node.
    public var path: String
    /// The driver ("vimc").
    public var driver: String
    /// The model ("VIMC MDEV").
    public var model: String
    /// Every entity, in the kernel's order.
    public var entities: [EntityInfo]
    /// Each linear pipeline that ends in a video node: "Sensor A →
    /// Debayer A → Scaler → RGB/YUV Capture (/dev/video10)".
    public var pipelines: [String]

    /// The report of `graph`, its subdevice pads' formats read through
    /// `format` and `crop` (nil where they cannot be read).
    package init(graph: MediaGraph, pipelines: [String],
                 format: (MediaGraph.Entity, UInt32) -> MediaBusFormat?, crop: (MediaGraph.Entity, UInt32) -> PixelRectangle?) {
        path = graph.path
        driver = graph.driver
        model = graph.model
        self.pipelines = pipelines
        entities = graph.entities.map { entity in
            let function = entity.isSensor ? "sensor" : entity.isVideoNode ? "video node" : "0x" + String(entity.function, radix: 16)
            let pads = graph.pads(of: entity.id).map { pad in
                let links = pad.isSink
                    ? graph.links(into: pad.id).map { LinkInfo(remote: graph.name(ofPad: $0.source), enabled: $0.isEnabled, immutable: $0.isImmutable) }
                    : graph.links(outOf: pad.id).map { LinkInfo(remote: graph.name(ofPad: $0.sink), enabled: $0.isEnabled, immutable: $0.isImmutable) }
                let padFormat = entity.isVideoNode ? nil : format(entity, pad.index)
                return PadInfo(index: pad.index, direction: pad.isSink ? "sink" : "source", format: padFormat,
                               formatText: padFormat.map { "\($0)" }, crop: pad.isSink && !entity.isVideoNode ? crop(entity, pad.index) : nil, links: links)
            }
            return EntityInfo(id: entity.id, name: entity.name, function: function, node: entity.node, pads: pads)
        }
    }
}
