/// The index of a capture buffer in the camera's queue (`v4l2_buffer.index`).
/// Everything the pipeline knows about a buffer is keyed by it: its state in
/// the ``BufferPool``, its framebuffer, and the tag its flips carry.
package struct BufferIndex: RawRepresentable, Hashable, Comparable, Sendable, Codable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    /// The index as V4L2 numbers it, from 0.
    package let rawValue: Int

    /// Wraps a V4L2 buffer index.
    package init(rawValue: Int) {
        self.rawValue = rawValue
    }

    /// Wraps a V4L2 buffer index.
    package init(_ rawValue: Int) {
        self.rawValue = rawValue
    }

    /// A literal index (`pool.state(of: 2)`).
    package init(integerLiteral value: Int) {
        self.rawValue = value
    }

    /// Orders by index.
    package static func < (lhs: BufferIndex, rhs: BufferIndex) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The number.
    package var description: String { String(rawValue) }
}
