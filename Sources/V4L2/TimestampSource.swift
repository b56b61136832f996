import CV4L2
import Platform

/// What a capture timestamp marks (the `V4L2_BUF_FLAG_TSTAMP_SRC_*` bits).
package enum TimestampSource: Sendable, Equatable {
    /// When the last pixel was captured (`V4L2_BUF_FLAG_TSTAMP_SRC_EOF`).
    /// The kernel's default; vivid puts it about 0.9 frame in the future.
    case endOfFrame
    /// When the exposure of the first line began (`V4L2_BUF_FLAG_TSTAMP_SRC_SOE`).
    case startOfExposure
    /// A value this kernel header does not define.
    case unknown

    /// Decodes the source from a buffer's flag word.
    package init(bufferFlags flags: UInt32) {
        switch flags & UInt32(V4L2_BUF_FLAG_TSTAMP_SRC_MASK) {
        case UInt32(V4L2_BUF_FLAG_TSTAMP_SRC_EOF): self = .endOfFrame
        case UInt32(V4L2_BUF_FLAG_TSTAMP_SRC_SOE): self = .startOfExposure
        default: self = .unknown
        }
    }

    /// "start-of-exposure", "end-of-frame" or "unknown", as reports spell it.
    package var name: String {
        switch self {
        case .endOfFrame: return "end-of-frame"
        case .startOfExposure: return "start-of-exposure"
        case .unknown: return "unknown"
        }
    }
}
