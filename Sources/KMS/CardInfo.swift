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
