import Platform

/// Everything `framepipe list` shows about a card: a snapshot taken by
/// ``Card/describe()``, plain data that encodes to JSON.
public struct CardInfo: Codable, Sendable, Equatable {
    public var path: String
    public var driver: DriverInfo
    public var capabilities: CardCapabilities
    /// The smallest and largest framebuffer the card accepts.
    public var minimumWidth: Int
    public var minimumHeight: Int
    public var maximumWidth: Int
    public var maximumHeight: Int
    public var connectors: [ConnectorInfo]
    public var encoders: [EncoderInfo]
    /// In resource order: a CRTC's position here is its index in every
    /// `possible_crtcs` mask and in vblank calls.
    public var crtcs: [CrtcInfo]
    public var planes: [PlaneInfo]

    public init(
        path: String, driver: DriverInfo, capabilities: CardCapabilities,
        minimumWidth: Int, minimumHeight: Int, maximumWidth: Int, maximumHeight: Int,
        connectors: [ConnectorInfo], encoders: [EncoderInfo], crtcs: [CrtcInfo], planes: [PlaneInfo]
    ) {
        self.path = path
        self.driver = driver
        self.capabilities = capabilities
        self.minimumWidth = minimumWidth
        self.minimumHeight = minimumHeight
        self.maximumWidth = maximumWidth
        self.maximumHeight = maximumHeight
        self.connectors = connectors
        self.encoders = encoders
        self.crtcs = crtcs
        self.planes = planes
    }
}

/// Whether a display is attached to a connector.
/// The corresponding C type is `drmModeConnection`.
public enum ConnectorStatus: String, Codable, Sendable, Equatable {
    case connected
    case disconnected
    /// The hardware cannot tell; worth trying when nothing is `connected`.
    case unknown
}

/// A connector and the modes its sink offers.
/// The corresponding call is `drmModeGetConnector`.
public struct ConnectorInfo: Codable, Sendable, Equatable {
    public var id: ConnectorID
    /// Type name and per-type number, as the kernel names it in sysfs and
    /// logs ("Virtual-1", "HDMI-A-2").
    public var name: String
    /// The type alone ("Virtual"), from `drmModeGetConnectorTypeName`.
    public var typeName: String
    /// The number distinguishing connectors of one type (`connector_type_id`).
    public var typeIndex: Int
    public var status: ConnectorStatus
    /// A writeback connector captures the CRTC's output into a framebuffer
    /// instead of driving a display (`DRM_MODE_CONNECTOR_WRITEBACK`).
    public var isWriteback: Bool
    /// Physical size of the display in millimetres; 0 when unknown.
    public var widthMillimeters: Int
    public var heightMillimeters: Int
    /// In the kernel's order (preferred first, by convention).
    public var modes: [DisplayMode]
    public var currentEncoder: EncoderID?
    public var possibleEncoders: [EncoderID]
    /// The CRTCs that can drive this connector: the union of its encoders'
    /// `possible_crtcs`, in resource order.
    public var possibleCrtcs: [CrtcID]

    public init(
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

/// An encoder, kept for the CRTCs it can reach.
/// The corresponding call is `drmModeGetEncoder`.
public struct EncoderInfo: Codable, Sendable, Equatable {
    public var id: EncoderID
    /// "TMDS", "Virtual", ... (`DRM_MODE_ENCODER_*`).
    public var typeName: String
    public var currentCrtc: CrtcID?
    public var possibleCrtcs: [CrtcID]

    public init(id: EncoderID, typeName: String, currentCrtc: CrtcID?, possibleCrtcs: [CrtcID]) {
        self.id = id
        self.typeName = typeName
        self.currentCrtc = currentCrtc
        self.possibleCrtcs = possibleCrtcs
    }
}

/// A CRTC and what it is showing now.
/// The corresponding call is `drmModeGetCrtc`.
public struct CrtcInfo: Codable, Sendable, Equatable {
    public var id: CrtcID
    /// Position in the card's CRTC list; the bit that stands for this CRTC
    /// in `possible_crtcs` masks.
    public var index: Int
    /// The mode being scanned out, nil when the CRTC is off.
    public var mode: DisplayMode?
    /// The framebuffer on the primary plane, nil when none.
    public var framebuffer: FramebufferID?
    /// Entries in the gamma lookup table; 0 when there is none.
    public var gammaSize: Int

    public init(id: CrtcID, index: Int, mode: DisplayMode?, framebuffer: FramebufferID?, gammaSize: Int) {
        self.id = id
        self.index = index
        self.mode = mode
        self.framebuffer = framebuffer
        self.gammaSize = gammaSize
    }
}

/// The role of a plane, from its immutable "type" property.
public enum PlaneType: String, Codable, Sendable, Equatable {
    /// The base layer a CRTC needs to light up (`DRM_PLANE_TYPE_PRIMARY`).
    case primary
    /// An extra layer composed above or below the primary (`DRM_PLANE_TYPE_OVERLAY`).
    case overlay
    /// A small layer for a pointer (`DRM_PLANE_TYPE_CURSOR`).
    case cursor
}

/// A pixel format a plane scans out and the layouts it accepts for it.
public struct PlaneFormat: Codable, Sendable, Equatable {
    public var format: FourCC
    /// From the plane's IN_FORMATS blob; empty when the driver publishes
    /// none, in which case only buffers without an explicit modifier work.
    public var modifiers: [FormatModifier]

    public init(format: FourCC, modifiers: [FormatModifier]) {
        self.format = format
        self.modifiers = modifiers
    }
}

/// A plane and what it can show.
/// The corresponding call is `drmModeGetPlane`.
public struct PlaneInfo: Codable, Sendable, Equatable {
    public var id: PlaneID
    public var type: PlaneType
    public var currentCrtc: CrtcID?
    public var currentFramebuffer: FramebufferID?
    /// Decoded from the plane's `possible_crtcs` against the card's CRTC order.
    public var possibleCrtcs: [CrtcID]
    /// In the kernel's order.
    public var formats: [PlaneFormat]

    public init(
        id: PlaneID, type: PlaneType, currentCrtc: CrtcID?, currentFramebuffer: FramebufferID?,
        possibleCrtcs: [CrtcID], formats: [PlaneFormat]
    ) {
        self.id = id
        self.type = type
        self.currentCrtc = currentCrtc
        self.currentFramebuffer = currentFramebuffer
        self.possibleCrtcs = possibleCrtcs
        self.formats = formats
    }
}
