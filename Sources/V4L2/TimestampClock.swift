import CV4L2
import Platform

/// Which clock a capture timestamp was taken from (the
/// `V4L2_BUF_FLAG_TIMESTAMP_*` bits).
package enum TimestampClock: Sendable, Equatable {
    /// `CLOCK_MONOTONIC` (`V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC`): comparable
    /// with the display's vblank timestamps.
    case monotonic
    /// Copied from an output buffer (`V4L2_BUF_FLAG_TIMESTAMP_COPY`), memory-to-memory devices only.
    case copy
    /// Unknown (`V4L2_BUF_FLAG_TIMESTAMP_UNKNOWN`) or undefined bits.
    case unknown

    /// Decodes the clock from a buffer's flag word.
    package init(bufferFlags flags: UInt32) {
        switch flags & UInt32(V4L2_BUF_FLAG_TIMESTAMP_MASK) {
        case UInt32(V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC): self = .monotonic
        case UInt32(V4L2_BUF_FLAG_TIMESTAMP_COPY): self = .copy
        default: self = .unknown
        }
    }
}
