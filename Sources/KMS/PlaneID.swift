import CDRM

/// A plane: one layer of scan-out (primary, overlay or cursor).
public struct PlaneID: ModeObjectIdentifier {
    public static var objectType: ModeObjectType { .plane }
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }
}
