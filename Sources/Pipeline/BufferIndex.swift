/// The index of a capture buffer in the camera's queue (`v4l2_buffer.index`).
/// Everything the pipeline knows about a buffer is keyed by it: its state in
/// the ``BufferPool``, its framebuffer, and the tag its flips carry.
public struct BufferIndex: RawRepresentable, Hashable, Comparable, Sendable, Codable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    /// The index as V4L2 numbers it, from 0.
    public let rawValue: Int

    /// Wraps a V4L2 buffer index.
    public init(rawValue: Int) {
        self.rawValue = rawValue
    }

    /// Wraps a V4L2 buffer index.
    public init(_ rawValue: Int) {
        self.rawValue = rawValue
    }

    /// A literal index (`pool.state(of: 2)`).
    public init(integerLiteral value: Int) {
        self.rawValue = value
    }

    /// Orders by index.
    public static func < (lhs: BufferIndex, rhs: BufferIndex) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The number.
    public var description: String { String(rawValue) }
}
