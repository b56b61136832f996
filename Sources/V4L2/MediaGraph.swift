/// A media device's graph as `MEDIA_IOC_G_TOPOLOGY` reports it: entities
/// (a sensor, a debayer, a scaler, a DMA engine's video node), their pads,
/// the data links between pads and the device nodes (interfaces) that
/// reach each entity. A value: read once, searched without the device.
public struct MediaGraph: Sendable, Equatable, Codable {
    /// One entity: what `media-ctl -p` lists as "entity N: NAME".
    public struct Entity: Sendable, Equatable, Codable {
        /// The kernel's entity id.
        public var id: UInt32
        /// Its name ("Sensor A", "Debayer A", "RGB/YUV Capture").
        public var name: String
        /// `MEDIA_ENT_F_*`: what it does.
        public var function: UInt32
        /// The device node that reaches it ("/dev/v4l-subdev0",
        /// "/dev/video10"), if any.
        public var node: String?

        /// Whether it is a camera sensor (`MEDIA_ENT_F_CAM_SENSOR`).
        public var isSensor: Bool { function == 0x0002_0001 }
        /// Whether it is a V4L2 video node (`MEDIA_ENT_F_IO_V4L`).
        public var isVideoNode: Bool { function == 0x0001_0001 }

        /// An entity with these values.
        public init(id: UInt32, name: String, function: UInt32, node: String? = nil) {
            self.id = id
            self.name = name
            self.function = function
            self.node = node
        }
    }

    /// One pad of an entity.
    public struct Pad: Sendable, Equatable, Codable {
        /// The kernel's pad id (unique in the graph).
        public var id: UInt32
        /// The entity it belongs to.
        public var entity: UInt32
        /// Its index within the entity (what subdevice ioctls name).
        public var index: UInt32
        /// Whether data flows into the entity here (`MEDIA_PAD_FL_SINK`);
        /// else out of it (a source pad).
        public var isSink: Bool

        /// A pad with these values.
        public init(id: UInt32, entity: UInt32, index: UInt32, isSink: Bool) {
            self.id = id
            self.entity = entity
            self.index = index
            self.isSink = isSink
        }
    }

    /// One data link, from a source pad to a sink pad.
    public struct Link: Sendable, Equatable, Codable {
        /// The kernel's link id.
        public var id: UInt32
        /// The source pad's id.
        public var source: UInt32
        /// The sink pad's id.
        public var sink: UInt32
        /// Whether frames flow over it now (`MEDIA_LNK_FL_ENABLED`).
        public var isEnabled: Bool
        /// Whether it cannot be changed (`MEDIA_LNK_FL_IMMUTABLE`).
        public var isImmutable: Bool

        /// A link with these values.
        public init(id: UInt32, source: UInt32, sink: UInt32, isEnabled: Bool, isImmutable: Bool) {
            self.id = id
            self.source = source
            self.sink = sink
            self.isEnabled = isEnabled
            self.isImmutable = isImmutable
        }
    }

    /// The driver ("vimc", "unicam", "rkisp1").
    public var driver: String
    /// The model ("VIMC MDEV").
    public var model: String
    /// The media device node ("/dev/media2").
    public var path: String
    /// Entities, in the kernel's order.
    public var entities: [Entity]
    /// Pads, in the kernel's order.
    public var pads: [Pad]
    /// Data links (interface links are folded into ``Entity/node``).
    public var links: [Link]

    /// A graph with these parts.
    public init(driver: String, model: String, path: String, entities: [Entity], pads: [Pad], links: [Link]) {
        self.driver = driver
        self.model = model
        self.path = path
        self.entities = entities
        self.pads = pads
        self.links = links
    }

    /// The entity with `id`.
    public func entity(_ id: UInt32) -> Entity? { entities.first { $0.id == id } }
    /// The pad with `id`.
    public func pad(_ id: UInt32) -> Pad? { pads.first { $0.id == id } }
    /// The entity whose device node is `path`.
    public func entity(node path: String) -> Entity? { entities.first { $0.node == path } }
    /// The pads of the entity `id`, by index.
    public func pads(of id: UInt32) -> [Pad] { pads.filter { $0.entity == id }.sorted { $0.index < $1.index } }
    /// The links that end at pad `id`.
    public func links(into id: UInt32) -> [Link] { links.filter { $0.sink == id } }
    /// The links that start at pad `id`.
    public func links(outOf id: UInt32) -> [Link] { links.filter { $0.source == id } }

    /// "Sensor A":0, as media-ctl names a pad.
    public func name(ofPad id: UInt32) -> String {
        guard let pad = pad(id), let entity = entity(pad.entity) else { return "pad \(id)" }
        return "\"\(entity.name)\":\(pad.index)"
    }
}
