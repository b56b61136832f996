import CV4L2
import Platform

/// One entry of `VIDIOC_ENUM_FRAMESIZES`.
public enum FrameSizeRange: Sendable, Equatable {
    /// One size the driver offers, in pixels (`V4L2_FRMSIZE_TYPE_DISCRETE`).
    case discrete(width: UInt32, height: UInt32)
    /// Stepwise or continuous (step 1) sizes.
    case stepwise(minWidth: UInt32, maxWidth: UInt32, stepWidth: UInt32,
                  minHeight: UInt32, maxHeight: UInt32, stepHeight: UInt32)
}
