import CDRM
import Platform

/// The raw timings of a video mode, exactly as the kernel reports them, so
/// that a mode read from a connector can be handed back unchanged when it is
/// set (as the CRTC's MODE_ID blob).
///
/// The corresponding C type is `drmModeModeInfo` (`struct drm_mode_modeinfo`).
public struct ModeTimings: Codable, Sendable, Hashable {
    /// Pixel clock in kilohertz.
    public var pixelClockKilohertz: UInt32
    /// Visible pixels per line (`hdisplay`).
    public var horizontalDisplay: UInt16
    /// Pixel at which horizontal sync starts (`hsync_start`).
    public var horizontalSyncStart: UInt16
    /// Pixel at which horizontal sync ends (`hsync_end`).
    public var horizontalSyncEnd: UInt16
    /// Pixels per line including blanking (`htotal`).
    public var horizontalTotal: UInt16
    /// Horizontal skew (`hskew`), in pixels; 0 on almost every mode.
    public var horizontalSkew: UInt16
    /// Visible lines per frame (`vdisplay`).
    public var verticalDisplay: UInt16
    /// Line at which vertical sync starts (`vsync_start`).
    public var verticalSyncStart: UInt16
    /// Line at which vertical sync ends (`vsync_end`).
    public var verticalSyncEnd: UInt16
    /// Lines per frame including blanking (`vtotal`).
    public var verticalTotal: UInt16
    /// How many times each line is scanned; 0 and 1 both mean once.
    public var verticalScan: UInt16
    /// The refresh rate the kernel rounded to whole hertz.
    public var kernelRefreshHertz: UInt32
    /// `DRM_MODE_FLAG_*` bits (sync polarities, interlace, double scan, ...).
    public var flags: UInt32
    /// `DRM_MODE_TYPE_*` bits (preferred, driver, user-defined).
    public var type: UInt32
    /// The kernel's name for the mode, usually "WIDTHxHEIGHT" (with an "i"
    /// suffix for interlaced modes).
    public var name: String

    /// Timings with these values; no checks. Handy for tests and recorded
    /// descriptions.
    package init(
        pixelClockKilohertz: UInt32,
        horizontalDisplay: UInt16, horizontalSyncStart: UInt16, horizontalSyncEnd: UInt16,
        horizontalTotal: UInt16, horizontalSkew: UInt16 = 0,
        verticalDisplay: UInt16, verticalSyncStart: UInt16, verticalSyncEnd: UInt16,
        verticalTotal: UInt16, verticalScan: UInt16 = 0,
        kernelRefreshHertz: UInt32 = 0, flags: UInt32 = 0, type: UInt32 = 0, name: String = ""
    ) {
        self.pixelClockKilohertz = pixelClockKilohertz
        self.horizontalDisplay = horizontalDisplay
        self.horizontalSyncStart = horizontalSyncStart
        self.horizontalSyncEnd = horizontalSyncEnd
        self.horizontalTotal = horizontalTotal
        self.horizontalSkew = horizontalSkew
        self.verticalDisplay = verticalDisplay
        self.verticalSyncStart = verticalSyncStart
        self.verticalSyncEnd = verticalSyncEnd
        self.verticalTotal = verticalTotal
        self.verticalScan = verticalScan
        self.kernelRefreshHertz = kernelRefreshHertz
        self.flags = flags
        self.type = type
        self.name = name
    }

    /// Copies the kernel's description of a mode.
    init(_ info: drmModeModeInfo) {
        self.init(
            pixelClockKilohertz: info.clock,
            horizontalDisplay: info.hdisplay, horizontalSyncStart: info.hsync_start,
            horizontalSyncEnd: info.hsync_end, horizontalTotal: info.htotal, horizontalSkew: info.hskew,
            verticalDisplay: info.vdisplay, verticalSyncStart: info.vsync_start,
            verticalSyncEnd: info.vsync_end, verticalTotal: info.vtotal, verticalScan: info.vscan,
            kernelRefreshHertz: info.vrefresh, flags: info.flags, type: info.type,
            name: String(fixedCString: info.name))
    }

    /// Whether the mode blob `bytes` (a `drm_mode_modeinfo`, as read from a
    /// CRTC's MODE_ID) has these timings; its type and name may differ.
    func hasSameTimings(asBlob bytes: [UInt8]) -> Bool {
        guard bytes.count == MemoryLayout<drmModeModeInfo>.size else { return false }
        let other = ModeTimings(bytes.withUnsafeBytes { $0.loadUnaligned(as: drmModeModeInfo.self) })
        return (pixelClockKilohertz, horizontalDisplay, horizontalSyncStart, horizontalSyncEnd, horizontalTotal, horizontalSkew)
            == (other.pixelClockKilohertz, other.horizontalDisplay, other.horizontalSyncStart, other.horizontalSyncEnd,
                other.horizontalTotal, other.horizontalSkew)
            && (verticalDisplay, verticalSyncStart, verticalSyncEnd, verticalTotal, verticalScan, flags)
            == (other.verticalDisplay, other.verticalSyncStart, other.verticalSyncEnd, other.verticalTotal, other.verticalScan, other.flags)
    }

    /// Whether each frame is sent as two fields of alternate lines.
    public var isInterlaced: Bool { flags & UInt32(DRM_MODE_FLAG_INTERLACE) != 0 }
    /// Whether each line is sent twice.
    public var isDoubleScan: Bool { flags & UInt32(DRM_MODE_FLAG_DBLSCAN) != 0 }
    /// Whether the connector's sink (its EDID, or the driver) prefers this mode.
    public var isPreferred: Bool { type & UInt32(DRM_MODE_TYPE_PREFERRED) != 0 }
}
