import CV4L2
import Platform

/// The flag bits of a control (`V4L2_CTRL_FLAG_*`).
public struct ControlFlags: OptionSet, Sendable, Hashable {
    /// The bits as the kernel reports them in `v4l2_query_ext_ctrl.flags`.
    public let rawValue: UInt32
    /// The set with exactly these bits; unknown bits are kept.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// The control is permanently unavailable; ``VideoDevice/controls()``
    /// leaves it out (`V4L2_CTRL_FLAG_DISABLED`).
    public static let disabled = Self(rawValue: UInt32(V4L2_CTRL_FLAG_DISABLED))
    /// Temporarily unchangeable, for example while streaming; setting it
    /// fails with EBUSY (`V4L2_CTRL_FLAG_GRABBED`).
    public static let grabbed = Self(rawValue: UInt32(V4L2_CTRL_FLAG_GRABBED))
    /// Can be read but never set (`V4L2_CTRL_FLAG_READ_ONLY`).
    public static let readOnly = Self(rawValue: UInt32(V4L2_CTRL_FLAG_READ_ONLY))
    /// Changing it may change other controls, so a UI should re-read them
    /// (`V4L2_CTRL_FLAG_UPDATE`).
    public static let update = Self(rawValue: UInt32(V4L2_CTRL_FLAG_UPDATE))
    /// Settable but without effect in the current configuration, e.g. a
    /// manual value while the automatic mode is on (`V4L2_CTRL_FLAG_INACTIVE`).
    public static let inactive = Self(rawValue: UInt32(V4L2_CTRL_FLAG_INACTIVE))
    /// A hint that a UI should show it as a slider (`V4L2_CTRL_FLAG_SLIDER`).
    public static let slider = Self(rawValue: UInt32(V4L2_CTRL_FLAG_SLIDER))
    /// Can be set but not read, e.g. a relative pan
    /// (`V4L2_CTRL_FLAG_WRITE_ONLY`).
    public static let writeOnly = Self(rawValue: UInt32(V4L2_CTRL_FLAG_WRITE_ONLY))
    /// The value changes by itself (e.g. gain under auto-gain), so reads go
    /// to the hardware (`V4L2_CTRL_FLAG_VOLATILE`).
    public static let volatile = Self(rawValue: UInt32(V4L2_CTRL_FLAG_VOLATILE))
    /// The value lives in a payload pointer, not in `value`/`value64`
    /// (`V4L2_CTRL_FLAG_HAS_PAYLOAD`); framepipe cannot set it by value.
    public static let hasPayload = Self(rawValue: UInt32(V4L2_CTRL_FLAG_HAS_PAYLOAD))
    /// Setting it acts even when the value is unchanged, like a button
    /// (`V4L2_CTRL_FLAG_EXECUTE_ON_WRITE`).
    public static let executeOnWrite = Self(rawValue: UInt32(V4L2_CTRL_FLAG_EXECUTE_ON_WRITE))
    /// Changing it changes the buffer layout, so it cannot change while
    /// buffers are allocated (`V4L2_CTRL_FLAG_MODIFY_LAYOUT`).
    public static let modifyLayout = Self(rawValue: UInt32(V4L2_CTRL_FLAG_MODIFY_LAYOUT))
}
