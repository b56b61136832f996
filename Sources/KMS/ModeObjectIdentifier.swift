import CDRM

/// A kernel id of one kind of KMS object. Each kind is its own type so that a
/// plane id can never be passed where a CRTC id is expected — the kernel would
/// accept the number and fail with a vague ENOENT or EINVAL far from the bug.
///
/// Ids encode and decode as plain JSON numbers.
public protocol ModeObjectIdentifier: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible
where RawValue == UInt32 {
    /// The kind the kernel files this id under.
    static var objectType: ModeObjectType { get }
    /// The id with this number, as the kernel handed it out; no check that
    /// the object exists.
    init(rawValue: UInt32)
}

extension ModeObjectIdentifier {
    /// The id as decimal, as modetest and the kernel log print it.
    public var description: String { String(rawValue) }
}

extension ModeObjectIdentifier {
    /// Zero means "no object" throughout the KMS API (no framebuffer, no
    /// CRTC); Swift spells that as `nil`.
    init?(nonZero rawValue: UInt32) {
        guard rawValue != 0 else { return nil }
        self.init(rawValue: rawValue)
    }
}
