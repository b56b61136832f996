import KMS
import Platform

/// A recorded card description, like vkms on Linux 6.1 with
/// `enable_overlay=1 enable_cursor=1`: connector Virtual-1 (modes 1080p60,
/// 1080p59.94, 1080i, 1024x768 preferred, 640x480) and a writeback
/// connector, one CRTC, a primary plane that must cover the CRTC, an
/// overlay and a cursor. Tests of pure planning functions vary it.
public enum RecordedCard {

    public static let device = "/dev/dri/card0"
    public static let crtc = CrtcID(37)
    public static let preferredType: UInt32 = 1 << 3 | 1 << 6  // DRM_MODE_TYPE_PREFERRED | DRM_MODE_TYPE_DRIVER

    public static func fourcc(_ text: String) -> FourCC {
        FourCC(text) ?? FourCC(rawValue: 0)
    }

    public static let mode1024 = DisplayMode(timings: ModeTimings(
        pixelClockKilohertz: 65_000,
        horizontalDisplay: 1024, horizontalSyncStart: 1048, horizontalSyncEnd: 1184, horizontalTotal: 1344,
        verticalDisplay: 768, verticalSyncStart: 771, verticalSyncEnd: 777, verticalTotal: 806,
        kernelRefreshHertz: 60, flags: 0xa, type: preferredType, name: "1024x768"))
    public static let mode1080p60 = DisplayMode(timings: ModeTimings(
        pixelClockKilohertz: 148_500,
        horizontalDisplay: 1920, horizontalSyncStart: 2008, horizontalSyncEnd: 2052, horizontalTotal: 2200,
        verticalDisplay: 1080, verticalSyncStart: 1084, verticalSyncEnd: 1089, verticalTotal: 1125,
        kernelRefreshHertz: 60, flags: 5, type: 1 << 6, name: "1920x1080"))
    public static let mode1080p5994 = DisplayMode(timings: ModeTimings(
        pixelClockKilohertz: 148_352,
        horizontalDisplay: 1920, horizontalSyncStart: 2008, horizontalSyncEnd: 2052, horizontalTotal: 2200,
        verticalDisplay: 1080, verticalSyncStart: 1084, verticalSyncEnd: 1089, verticalTotal: 1125,
        kernelRefreshHertz: 60, flags: 5, type: 1 << 6, name: "1920x1080"))
    public static let mode1080i = DisplayMode(timings: ModeTimings(
        pixelClockKilohertz: 74_250,
        horizontalDisplay: 1920, horizontalSyncStart: 2008, horizontalSyncEnd: 2052, horizontalTotal: 2200,
        verticalDisplay: 1080, verticalSyncStart: 1084, verticalSyncEnd: 1094, verticalTotal: 1125,
        kernelRefreshHertz: 60, flags: 0x15, type: 1 << 6, name: "1920x1080i"))
    public static let mode640 = DisplayMode(timings: ModeTimings(
        pixelClockKilohertz: 25_175,
        horizontalDisplay: 640, horizontalSyncStart: 656, horizontalSyncEnd: 752, horizontalTotal: 800,
        verticalDisplay: 480, verticalSyncStart: 490, verticalSyncEnd: 492, verticalTotal: 525,
        kernelRefreshHertz: 60, flags: 0xa, type: 1 << 6, name: "640x480"))

    public static func plane(_ id: UInt32, _ type: PlaneType, _ formats: [String], on crtc: CrtcID? = nil, modifiers: [FormatModifier] = [.linear]) -> PlaneInfo {
        PlaneInfo(
            id: PlaneID(id), type: type, currentCrtc: crtc, currentFramebuffer: crtc == nil ? nil : FramebufferID(50),
            possibleCrtcs: [RecordedCard.crtc],
            formats: formats.map { PlaneFormat(format: fourcc($0), modifiers: modifiers) })
    }

    public static func card(
        connectors: [ConnectorInfo]? = nil, planes: [PlaneInfo]? = nil, atomic: Bool = true
    ) -> CardInfo {
        let virtual = ConnectorInfo(
            id: ConnectorID(40), name: "Virtual-1", typeName: "Virtual", typeIndex: 1, status: .connected,
            isWriteback: false, widthMillimeters: 0, heightMillimeters: 0,
            modes: [mode1080p60, mode1080p5994, mode1080i, mode1024, mode640],
            currentEncoder: EncoderID(39), possibleEncoders: [EncoderID(39)], possibleCrtcs: [crtc])
        let writeback = ConnectorInfo(
            id: ConnectorID(42), name: "Writeback-1", typeName: "Writeback", typeIndex: 1, status: .unknown,
            isWriteback: true, widthMillimeters: 0, heightMillimeters: 0, modes: [],
            currentEncoder: nil, possibleEncoders: [EncoderID(41)], possibleCrtcs: [crtc])
        return CardInfo(
            path: device, driver: DriverInfo(name: "vkms", description: "Virtual Kernel Mode Setting", date: "", majorVersion: 1, minorVersion: 0, patchLevel: 0),
            capabilities: CardCapabilities(dumbBuffer: true, primeImport: true, primeExport: true, addFramebuffer2Modifiers: true, timestampMonotonic: true, atomic: atomic, universalPlanes: true, writebackConnectors: atomic),
            minimumWidth: 1, minimumHeight: 1, maximumWidth: 8192, maximumHeight: 8192,
            connectors: connectors ?? [virtual, writeback],
            encoders: [
                EncoderInfo(id: EncoderID(39), typeName: "Virtual", currentCrtc: crtc, possibleCrtcs: [crtc]),
                EncoderInfo(id: EncoderID(41), typeName: "Virtual", currentCrtc: nil, possibleCrtcs: [crtc]),
            ],
            crtcs: [CrtcInfo(id: crtc, index: 0, mode: mode1024, framebuffer: FramebufferID(50), gammaSize: 0)],
            planes: planes ?? [
                plane(31, .primary, ["XR24", "XR48", "RG16"], on: crtc),
                plane(33, .overlay, ["AR24", "XR24", "XR48", "AR48", "RG16"]),
                plane(35, .cursor, ["AR24"]),
            ])
    }

    /// A 320x240 panel (an SPI display such as an ILI9341 on the tinydrm
    /// helpers): one mode, one primary plane, no overlays.
    public static let mode320 = DisplayMode(timings: ModeTimings(
        pixelClockKilohertz: 6_400,
        horizontalDisplay: 320, horizontalSyncStart: 321, horizontalSyncEnd: 322, horizontalTotal: 323,
        verticalDisplay: 240, verticalSyncStart: 241, verticalSyncEnd: 242, verticalTotal: 243,
        kernelRefreshHertz: 60, flags: 0, type: preferredType, name: "320x240"))

    /// vkms with `enable_overlay=0`: the primary plane alone.
    public static func primaryOnly(atomic: Bool = true) -> CardInfo {
        card(planes: [plane(31, .primary, ["XR24", "XR48", "RG16"], on: crtc)], atomic: atomic)
    }

    /// A small SPI panel: one 320x240 mode, a primary plane (RG16, XR24).
    public static func panel() -> CardInfo {
        let panel = ConnectorInfo(
            id: ConnectorID(40), name: "SPI-1", typeName: "SPI", typeIndex: 1, status: .connected,
            isWriteback: false, widthMillimeters: 49, heightMillimeters: 37, modes: [mode320],
            currentEncoder: EncoderID(39), possibleEncoders: [EncoderID(39)], possibleCrtcs: [crtc])
        return card(connectors: [panel], planes: [plane(31, .primary, ["RG16", "XR24"], on: crtc)])
    }
}
