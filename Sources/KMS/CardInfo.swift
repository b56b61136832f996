import Platform

/// Everything `framepipe list` shows about a card: a snapshot taken by
/// ``Card/describe()``, plain data that encodes to JSON.
public struct CardInfo: Codable, Sendable, Equatable {
    /// The card's device node, e.g. "/dev/dri/card0".
    public var path: String
    /// The driver's name and version (`drmGetVersion`).
    public var driver: DriverInfo
    /// The device caps (`DRM_CAP_*`) and the client caps granted.
    public var capabilities: CardCapabilities
    /// The smallest framebuffer width in pixels the card accepts
    /// (`drmModeRes.min_width`).
    public var minimumWidth: Int
    /// The smallest framebuffer height in pixels (`drmModeRes.min_height`).
    public var minimumHeight: Int
    /// The largest framebuffer width in pixels (`drmModeRes.max_width`).
    public var maximumWidth: Int
    /// The largest framebuffer height in pixels (`drmModeRes.max_height`).
    public var maximumHeight: Int
    /// Every connector, in resource order, writeback ones included when the
    /// client cap was granted.
    public var connectors: [ConnectorInfo]
    /// Every encoder, in resource order.
    public var encoders: [EncoderInfo]
    /// In resource order: a CRTC's position here is its index in every
    /// `possible_crtcs` mask and in vblank calls.
    public var crtcs: [CrtcInfo]
    /// Every plane (`drmModeGetPlaneResources`); primary and cursor planes too,
    /// since universal planes are asked for.
    public var planes: [PlaneInfo]

    /// A snapshot with these values; no checks.
    package init(
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
