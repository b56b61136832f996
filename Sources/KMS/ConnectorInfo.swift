import Platform

/// A connector and the modes its sink offers.
/// The corresponding call is `drmModeGetConnector`.
public struct ConnectorInfo: Codable, Sendable, Equatable {
    /// The connector's object id.
    public var id: ConnectorID
    /// Type name and per-type number, as the kernel names it in sysfs and
    /// logs ("Virtual-1", "HDMI-A-2").
    public var name: String
    /// The type alone ("Virtual"), from `drmModeGetConnectorTypeName`.
    public var typeName: String
    /// The number distinguishing connectors of one type (`connector_type_id`).
    public var typeIndex: Int
    /// Whether a display is attached (`drmModeConnector.connection`).
    public var status: ConnectorStatus
    /// A writeback connector captures the CRTC's output into a framebuffer
    /// instead of driving a display (`DRM_MODE_CONNECTOR_WRITEBACK`).
    public var isWriteback: Bool
    /// Physical size of the display in millimetres; 0 when unknown.
    public var widthMillimeters: Int
    /// Physical height of the display in millimetres (`mmHeight`); 0 when
    /// unknown.
    public var heightMillimeters: Int
    /// In the kernel's order (preferred first, by convention).
    public var modes: [DisplayMode]
    /// The encoder driving it now (`encoder_id`); nil when none.
    public var currentEncoder: EncoderID?
    /// The encoders that can drive it (`drmModeConnector.encoders`).
    public var possibleEncoders: [EncoderID]
    /// The CRTCs that can drive this connector: the union of its encoders'
    /// `possible_crtcs`, in resource order.
    public var possibleCrtcs: [CrtcID]

    /// A connector description with these values; no checks.
    package init(
        id: ConnectorID, name: String, typeName: String, typeIndex: Int, status: ConnectorStatus,
        isWriteback: Bool, widthMillimeters: Int, heightMillimeters: Int, modes: [DisplayMode],
        currentEncoder: EncoderID?, possibleEncoders: [EncoderID], possibleCrtcs: [CrtcID]
    ) {
        self.id = id
        self.name = name
        self.typeName = typeName
        self.typeIndex = typeIndex
        self.status = status
        self.isWriteback = isWriteback
        self.widthMillimeters = widthMillimeters
        self.heightMillimeters = heightMillimeters
        self.modes = modes
        self.currentEncoder = currentEncoder
        self.possibleEncoders = possibleEncoders
        self.possibleCrtcs = possibleCrtcs
    }

    /// The mode the sink prefers, else the first listed.
    public var preferredMode: DisplayMode? {
        modes.first(where: \.isPreferred) ?? modes.first
    }
}
