import CDRM

/// A property blob: a chunk of kernel-held bytes (a mode, IN_FORMATS).
public struct BlobID: ModeObjectIdentifier {
    public static var objectType: ModeObjectType { .blob }
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }
}
