import CDRM

/// A property of a mode object (e.g. a plane's "FB_ID").
public struct PropertyID: ModeObjectIdentifier {
    public static var objectType: ModeObjectType { .property }
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }
}
