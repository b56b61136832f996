import CV4L2
import Platform

/// A fixed-capacity list of per-plane numbers (at most `VIDEO_MAX_PLANES`),
/// stored inline so that dequeuing a frame allocates nothing.
public struct PlaneValues: RandomAccessCollection, Sendable, Equatable, CustomStringConvertible {
    private var storage = InlineArray<8, UInt32>(repeating: 0)
    public private(set) var count = 0

    public init() {}

    public init(_ values: [UInt32]) {
        for value in values { append(value) }
    }

    /// Adds a value; values beyond `VIDEO_MAX_PLANES` are dropped (the
    /// kernel never reports more).
    public mutating func append(_ value: UInt32) {
        guard count < storage.count else { return }
        storage[count] = value
        count += 1
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(position: Int) -> UInt32 {
        precondition(position >= 0 && position < count, "plane index out of range")
        return storage[position]
    }

    public static func == (lhs: PlaneValues, rhs: PlaneValues) -> Bool {
        lhs.elementsEqual(rhs)
    }

    public var description: String { "[" + map(String.init).joined(separator: ", ") + "]" }
}
