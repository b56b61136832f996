import Platform

#if canImport(Glibc)
import Glibc
#endif

/// A plane as error messages list it: "36 overlay (AR24 XR24 XR48 AR48 RG16)".
public struct PlaneSummary: Sendable, Equatable, CustomStringConvertible {
    public var id: PlaneID
    public var type: PlaneType
    public var formats: [FourCC]

    public init(id: PlaneID, type: PlaneType, formats: [FourCC]) {
        self.id = id
        self.type = type
        self.formats = formats
    }

    public init(_ plane: PlaneInfo) {
        self.init(id: plane.id, type: plane.type, formats: plane.formats.map(\.format))
    }

    public var description: String {
        "\(id) \(type.rawValue) (\(formats.map(\.description).joined(separator: " ")))"
    }
}
