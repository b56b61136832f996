/// A consumer of a lane's frames: something that reads a buffer after the
/// camera filled it (a display's plane; later an encoder or a second
/// display) and holds a reference to it while it may. At most 64 per pool.
package struct ConsumerID: Hashable, Sendable, CustomStringConvertible {
    /// The consumer's number, 0 to 63 (its bit in a buffer's holders).
    package let rawValue: Int

    package init(_ rawValue: Int) {
        precondition((0..<64).contains(rawValue), "at most 64 consumers")
        self.rawValue = rawValue
    }

    /// The display the pipeline shows its lanes on.
    package static let display = ConsumerID(0)

    var bit: UInt64 { 1 << UInt64(rawValue) }

    package var description: String { rawValue == 0 ? "the display" : "consumer \(rawValue)" }
}
