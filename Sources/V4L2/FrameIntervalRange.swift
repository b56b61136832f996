import CV4L2
import Platform

/// One entry of `VIDIOC_ENUM_FRAMEINTERVALS`.
public enum FrameIntervalRange: Sendable, Equatable {
    case discrete(Fraction)
    case stepwise(min: Fraction, max: Fraction, step: Fraction)
}
