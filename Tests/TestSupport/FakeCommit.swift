/// One `DRM_IOCTL_MODE_ATOMIC` as a ``FakeCard`` decoded it, with property
/// names resolved, so a test can check what each commit asked for (which
/// plane a TEST_ONLY tried, what a restore put back).
public struct FakeCommit: Sendable, Equatable, CustomStringConvertible {
    /// One (object, property, value) triple of the request.
    public struct Change: Sendable, Equatable {
        public let object: UInt32
        public let property: String
        public let value: UInt64

        public init(object: UInt32, property: String, value: UInt64) {
            self.object = object
            self.property = property
            self.value = value
        }
    }

    /// "TEST_ONLY|ALLOW_MODESET", as in the trace.
    public let flags: String
    public let changes: [Change]
    public let userData: UInt64
    /// 0 when the card accepted the commit, else the errno it gave.
    public let errno: Int32

    /// The value the request gave `property` of `object`, if it set it.
    public func value(of property: String, on object: UInt32) -> UInt64? {
        changes.last { $0.object == object && $0.property == property }?.value
    }

    /// The objects the request touched, in order of first appearance.
    public var objects: [UInt32] {
        var seen: [UInt32] = []
        for change in changes where !seen.contains(change.object) { seen.append(change.object) }
        return seen
    }

    public var description: String {
        "\(flags): " + changes.map { "\($0.object).\($0.property)=\($0.value)" }.joined(separator: " ") + (errno == 0 ? "" : " -> errno \(errno)")
    }
}
