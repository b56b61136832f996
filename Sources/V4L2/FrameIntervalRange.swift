import CV4L2
import Platform

/// One entry of `VIDIOC_ENUM_FRAMEINTERVALS`.
public enum FrameIntervalRange: Sendable, Equatable {
    /// One interval the driver offers (`V4L2_FRMIVAL_TYPE_DISCRETE`).
    case discrete(Fraction)
    /// Any interval from `min` to `max` in multiples of `step`
    /// (`V4L2_FRMIVAL_TYPE_STEPWISE` or `V4L2_FRMIVAL_TYPE_CONTINUOUS`; the
    /// kernel's type is not kept).
    case stepwise(min: Fraction, max: Fraction, step: Fraction)
}
