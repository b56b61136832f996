import CDRM
import Platform

/// A video mode a connector offers or a CRTC runs: its visible size, its
/// refresh rate, and the full timings behind them.
public struct DisplayMode: Codable, Sendable, Hashable, CustomStringConvertible {
    /// The kernel's name for the mode ("1024x768").
    public let name: String
    /// Visible pixels per line.
    public let width: Int
    /// Visible lines per frame.
    public let height: Int
    /// Vertical refresh in hertz (fields per second for interlaced modes),
    /// computed from the timings to the millihertz; see
    /// ``refreshRate(pixelClockKilohertz:horizontalTotal:verticalTotal:verticalScan:isInterlaced:isDoubleScan:)``.
    public let refreshRate: Double
    /// Whether the sink prefers this mode (`DRM_MODE_TYPE_PREFERRED`).
    public let isPreferred: Bool
    /// Whether the mode is interlaced (`DRM_MODE_FLAG_INTERLACE`).
    public let isInterlaced: Bool
    /// The kernel's timings, kept so the mode can be set exactly as offered.
    public let timings: ModeTimings

    /// The mode these timings describe; size, refresh rate and flags are
    /// derived from them.
    package init(timings: ModeTimings) {
        self.name = timings.name
        self.width = Int(timings.horizontalDisplay)
        self.height = Int(timings.verticalDisplay)
        self.refreshRate = Self.refreshRate(
            pixelClockKilohertz: timings.pixelClockKilohertz,
            horizontalTotal: timings.horizontalTotal, verticalTotal: timings.verticalTotal,
            verticalScan: timings.verticalScan,
            isInterlaced: timings.isInterlaced, isDoubleScan: timings.isDoubleScan)
        self.isPreferred = timings.isPreferred
        self.isInterlaced = timings.isInterlaced
        self.timings = timings
    }

    init(_ info: drmModeModeInfo) {
        self.init(timings: ModeTimings(info))
    }

    /// The vertical refresh rate in hertz that a mode's timings produce, by
    /// the kernel's rule (`drm_mode_vrefresh`) but without its rounding to
    /// whole hertz, because 59.94 Hz and 60 Hz matter when frames are paced
    /// to vblank:
    ///
    ///     rate = clock × 1000 / (htotal × vtotal)
    ///     × 2 when interlaced (rate counts fields, two per frame)
    ///     ÷ 2 when double-scanned (every line is sent twice)
    ///     ÷ vscan when vscan > 1 (every line is sent vscan times)
    ///
    /// The result is rounded to the millihertz, which is finer than any
    /// display clock is accurate and keeps printed values short. Timings with
    /// a zero total give 0, as the kernel does.
    package static func refreshRate(
        pixelClockKilohertz: UInt32, horizontalTotal: UInt16, verticalTotal: UInt16,
        verticalScan: UInt16 = 0, isInterlaced: Bool = false, isDoubleScan: Bool = false
    ) -> Double {
        guard horizontalTotal > 0, verticalTotal > 0 else { return 0 }
        var pixelsPerSecond = Double(pixelClockKilohertz) * 1000
        var pixelsPerRefresh = Double(horizontalTotal) * Double(verticalTotal)
        if isInterlaced { pixelsPerSecond *= 2 }
        if isDoubleScan { pixelsPerRefresh *= 2 }
        if verticalScan > 1 { pixelsPerRefresh *= Double(verticalScan) }
        return (pixelsPerSecond / pixelsPerRefresh * 1000).rounded() / 1000
    }

    /// "1024x768@60.004Hz", with " (preferred)" when the sink prefers it.
    public var description: String {
        var text = "\(width)x\(height)\(isInterlaced ? "i" : "")@\(refreshRate)Hz"
        if isPreferred { text += " (preferred)" }
        return text
    }
}
