import CV4L2
import Platform

/// The flag bits of a control (`V4L2_CTRL_FLAG_*`).
public struct ControlFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let disabled = Self(rawValue: UInt32(V4L2_CTRL_FLAG_DISABLED))
    public static let grabbed = Self(rawValue: UInt32(V4L2_CTRL_FLAG_GRABBED))
    public static let readOnly = Self(rawValue: UInt32(V4L2_CTRL_FLAG_READ_ONLY))
    public static let update = Self(rawValue: UInt32(V4L2_CTRL_FLAG_UPDATE))
    public static let inactive = Self(rawValue: UInt32(V4L2_CTRL_FLAG_INACTIVE))
    public static let slider = Self(rawValue: UInt32(V4L2_CTRL_FLAG_SLIDER))
    public static let writeOnly = Self(rawValue: UInt32(V4L2_CTRL_FLAG_WRITE_ONLY))
    public static let volatile = Self(rawValue: UInt32(V4L2_CTRL_FLAG_VOLATILE))
    public static let hasPayload = Self(rawValue: UInt32(V4L2_CTRL_FLAG_HAS_PAYLOAD))
    public static let executeOnWrite = Self(rawValue: UInt32(V4L2_CTRL_FLAG_EXECUTE_ON_WRITE))
    public static let modifyLayout = Self(rawValue: UInt32(V4L2_CTRL_FLAG_MODIFY_LAYOUT))
}
