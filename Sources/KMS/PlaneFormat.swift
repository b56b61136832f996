import Platform

/// A pixel format a plane scans out and the layouts it accepts for it.
public struct PlaneFormat: Codable, Sendable, Equatable {
    /// The DRM format (`DRM_FORMAT_*`), e.g. 'XR24' for XRGB8888.
    public var format: FourCC
    /// From the plane's IN_FORMATS blob; empty when the driver publishes
    /// none, in which case only buffers without an explicit modifier work.
    public var modifiers: [FormatModifier]

    /// A plane format with these values; no checks.
    package init(format: FourCC, modifiers: [FormatModifier]) {
        self.format = format
        self.modifiers = modifiers
    }
}
