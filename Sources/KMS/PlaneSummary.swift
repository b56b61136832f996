import Platform

#if canImport(Glibc)
import Glibc
#endif

/// A plane as error messages list it: "36 overlay (AR24 XR24 XR48 AR48 RG16)".
public struct PlaneSummary: Sendable, Equatable, CustomStringConvertible {
    /// The plane's object id.
    public var id: PlaneID
    /// Its role: primary, overlay or cursor.
    public var type: PlaneType
    /// The DRM formats it scans out, in the kernel's order.
    public var formats: [FourCC]

    /// A summary with these values; no checks.
    package init(id: PlaneID, type: PlaneType, formats: [FourCC]) {
        self.id = id
        self.type = type
        self.formats = formats
    }

    /// The summary of `plane` (its formats without modifiers).
    package init(_ plane: PlaneInfo) {
        self.init(id: plane.id, type: plane.type, formats: plane.formats.map(\.format))
    }

    /// `"36 overlay (AR24 XR24 XR48 AR48 RG16)"`: id, type, DRM formats.
    public var description: String {
        "\(id) \(type.rawValue) (\(formats.map(\.description).joined(separator: " ")))"
    }
}
