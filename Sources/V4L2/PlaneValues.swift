import CV4L2
import Platform

/// A fixed-capacity list of per-plane numbers (at most `VIDEO_MAX_PLANES`),
/// stored inline so that dequeuing a frame allocates nothing.
package struct PlaneValues: RandomAccessCollection, Sendable, Equatable, CustomStringConvertible {
    private var storage = InlineArray<8, UInt32>(repeating: 0)
    /// How many planes have a value (0 to 8).
    package private(set) var count = 0

    /// An empty list.
    package init() {}

    /// The first 8 of `values`.
    package init(_ values: [UInt32]) {
        for value in values { append(value) }
    }

    /// Adds a value; values beyond `VIDEO_MAX_PLANES` are dropped (the
    /// kernel never reports more).
    package mutating func append(_ value: UInt32) {
        guard count < storage.count else { return }
        storage[count] = value
        count += 1
    }

    /// Always 0.
    package var startIndex: Int { 0 }
    /// ``count``.
    package var endIndex: Int { count }

    /// The value of plane `position`; traps outside `0..<count`.
    package subscript(position: Int) -> UInt32 {
        precondition(position >= 0 && position < count, "plane index out of range")
        return storage[position]
    }

    /// Equal when both hold the same values in the same order; unused
    /// capacity does not count.
    package static func == (lhs: PlaneValues, rhs: PlaneValues) -> Bool {
        lhs.elementsEqual(rhs)
    }

    /// The values in brackets: `"[614400, 0]"`.
    package var description: String { "[" + map(String.init).joined(separator: ", ") + "]" }
}
