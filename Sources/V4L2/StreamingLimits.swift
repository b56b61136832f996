import CV4L2
import Platform

/// Limits of the V4L2 streaming API.
package enum StreamingLimits {
    /// The most memory planes a V4L2 buffer can have (`VIDEO_MAX_PLANES`).
    package static let planeCount = Int(VIDEO_MAX_PLANES)
    /// The most buffers a V4L2 queue can hold (`VIDEO_MAX_FRAME`).
    package static let bufferCount = Int(VIDEO_MAX_FRAME)
}
