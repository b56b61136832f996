import CDRM

/// A connector: a place a display (or a writeback sink) attaches.
public struct ConnectorID: ModeObjectIdentifier {
    public static var objectType: ModeObjectType { .connector }
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }
}
