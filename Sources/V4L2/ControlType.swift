import CV4L2
import Platform

/// The kind of value a control holds (`enum v4l2_ctrl_type`).
public enum ControlType: Sendable, Hashable, CustomStringConvertible {
    /// A 32-bit integer within minimum...maximum (`V4L2_CTRL_TYPE_INTEGER`).
    case integer
    /// 0 or 1 (`V4L2_CTRL_TYPE_BOOLEAN`).
    case boolean
    /// An index into a list of named choices (`V4L2_CTRL_TYPE_MENU`).
    case menu
    /// Pressing it does something (vivid's `disconnect`); it has no value.
    case button
    /// A 64-bit integer, read and set through `value64`
    /// (`V4L2_CTRL_TYPE_INTEGER64`).
    case integer64
    /// A heading between groups of controls, never a real control.
    case controlClass
    /// A string, set by payload (`V4L2_CTRL_TYPE_STRING`).
    case string
    /// A 32-bit mask of which only the bits of `maximum` may be set
    /// (`V4L2_CTRL_TYPE_BITMASK`).
    case bitmask
    /// An index into a list of 64-bit integers (`V4L2_CTRL_TYPE_INTEGER_MENU`).
    case integerMenu
    /// Arrays, areas, codec parameters and anything newer: not settable by value.
    case other(UInt32)

    /// The case for a `V4L2_CTRL_TYPE_*` value; unknown values become ``other(_:)``.
    package init(kernelValue: UInt32) {
        switch kernelValue {
        case V4L2_CTRL_TYPE_INTEGER.rawValue: self = .integer
        case V4L2_CTRL_TYPE_BOOLEAN.rawValue: self = .boolean
        case V4L2_CTRL_TYPE_MENU.rawValue: self = .menu
        case V4L2_CTRL_TYPE_BUTTON.rawValue: self = .button
        case V4L2_CTRL_TYPE_INTEGER64.rawValue: self = .integer64
        case V4L2_CTRL_TYPE_CTRL_CLASS.rawValue: self = .controlClass
        case V4L2_CTRL_TYPE_STRING.rawValue: self = .string
        case V4L2_CTRL_TYPE_BITMASK.rawValue: self = .bitmask
        case V4L2_CTRL_TYPE_INTEGER_MENU.rawValue: self = .integerMenu
        default: self = .other(kernelValue)
        }
    }

    /// True for the types whose value is one integer, which framepipe can
    /// read and set.
    public var holdsOneInteger: Bool {
        switch self {
        case .integer, .boolean, .menu, .button, .integer64, .bitmask, .integerMenu: return true
        case .controlClass, .string, .other: return false
        }
    }

    /// The spelling `v4l2-ctl --list-ctrls` uses.
    public var description: String {
        switch self {
        case .integer: return "int"
        case .boolean: return "bool"
        case .menu: return "menu"
        case .button: return "button"
        case .integer64: return "int64"
        case .controlClass: return "class"
        case .string: return "str"
        case .bitmask: return "bitmask"
        case .integerMenu: return "intmenu"
        case .other(let value): return "type \(value)"
        }
    }
}
