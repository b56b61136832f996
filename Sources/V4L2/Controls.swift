import CV4L2
import Platform

/// The kind of value a control holds (`enum v4l2_ctrl_type`).
public enum ControlType: Sendable, Hashable, CustomStringConvertible {
    case integer
    case boolean
    case menu
    /// Pressing it does something (vivid's `disconnect`); it has no value.
    case button
    case integer64
    /// A heading between groups of controls, never a real control.
    case controlClass
    case string
    case bitmask
    case integerMenu
    /// Arrays, areas, codec parameters and anything newer: not settable by value.
    case other(UInt32)

    public init(kernelValue: UInt32) {
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

/// What `VIDIOC_QUERY_EXT_CTRL` reports about one control.
public struct ControlInfo: Sendable, Equatable {
    /// The control's ID (`V4L2_CID_*` or a driver-private ID).
    public var id: UInt32
    /// The name as the driver reports it, e.g. "Timestamp Source".
    public var name: String
    public var type: ControlType
    public var minimum: Int64
    /// For a bitmask control: the bits that may be set.
    public var maximum: Int64
    public var step: UInt64
    public var defaultValue: Int64
    public var flags: ControlFlags

    public init(
        id: UInt32, name: String, type: ControlType, minimum: Int64, maximum: Int64,
        step: UInt64 = 1, defaultValue: Int64 = 0, flags: ControlFlags = []
    ) {
        self.id = id
        self.name = name
        self.type = type
        self.minimum = minimum
        self.maximum = maximum
        self.step = step
        self.defaultValue = defaultValue
        self.flags = flags
    }

    public init(_ raw: v4l2_query_ext_ctrl) {
        self.init(
            id: raw.id, name: String(fixedCString: raw.name), type: ControlType(kernelValue: raw.type),
            minimum: raw.minimum, maximum: raw.maximum, step: raw.step,
            defaultValue: raw.default_value, flags: ControlFlags(rawValue: raw.flags))
    }

    /// The name as a user types it: "timestamp_source" for "Timestamp
    /// Source" (the form `v4l2-ctl` uses).
    public var key: String { Self.key(for: name) }

    /// Folds a control name to the form names are compared in: lower case,
    /// every run of characters other than ASCII letters and digits turned
    /// into one underscore, none at either end. "Timestamp Source",
    /// "timestamp_source" and "TIMESTAMP-SOURCE" all become "timestamp_source".
    public static func key(for name: String) -> String {
        var result = ""
        var pendingSeparator = false
        for scalar in name.unicodeScalars {
            let isWordCharacter = scalar.isASCII
                && (("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar))
            if isWordCharacter {
                if pendingSeparator && !result.isEmpty { result.append("_") }
                pendingSeparator = false
                result.unicodeScalars.append(contentsOf: String(scalar).lowercased().unicodeScalars)
            } else {
                pendingSeparator = true
            }
        }
        return result
    }

    /// Finds the control `name` refers to (compared by ``key(for:)``).
    /// Unknown names throw an error that lists the names there are.
    public static func find(_ name: String, in controls: [ControlInfo], device: String) throws(CaptureError) -> ControlInfo {
        let wanted = key(for: name)
        if !wanted.isEmpty, let match = controls.first(where: { $0.key == wanted }) { return match }
        throw .unknownControl(device: device, name: name, available: controls.map(\.key))
    }

    /// Checks that `value` may be written to this control: it must hold one
    /// integer, not be read-only and lie within its range (bitmasks: only
    /// bits of `maximum`). Buttons accept any value.
    public func validate(_ value: Int64, device: String) throws(CaptureError) {
        guard type.holdsOneInteger else {
            throw .controlTypeNotSupported(device: device, control: key, type: type.description)
        }
        guard !flags.contains(.readOnly) else { throw .controlReadOnly(device: device, control: key) }
        switch type {
        case .button:
            return
        case .bitmask:
            if value < 0 || UInt64(value) & ~UInt64(UInt32(truncatingIfNeeded: maximum)) != 0 {
                throw .controlValueOutOfRange(device: device, control: key, value: value, minimum: 0, maximum: maximum)
            }
        default:
            if value < minimum || value > maximum {
                throw .controlValueOutOfRange(device: device, control: key, value: value, minimum: minimum, maximum: maximum)
            }
        }
    }
}

extension VideoDevice {
    /// Every control of the device, in the driver's order, without the class
    /// headings and without disabled controls.
    ///
    /// The corresponding ioctl is `VIDIOC_QUERY_EXT_CTRL`, walked with
    /// `V4L2_CTRL_FLAG_NEXT_CTRL | V4L2_CTRL_FLAG_NEXT_COMPOUND` so that
    /// compound controls are listed too.
    public func controls() throws(DeviceError) -> [ControlInfo] {
        let next = UInt32(V4L2_CTRL_FLAG_NEXT_CTRL) | UInt32(V4L2_CTRL_FLAG_NEXT_COMPOUND)
        var result: [ControlInfo] = []
        var id: UInt32 = 0
        for _ in 0..<Self.enumerationLimit {
            var query = v4l2_query_ext_ctrl()
            query.id = id | next
            do {
                try fd.control(.queryExtendedControl, &query)
            } catch where error.errno == .invalidArgument || error.errno == .inappropriateIOCTLForDevice {
                break  // the end of the list, or no controls at all
            }
            id = query.id
            let info = ControlInfo(query)
            if info.type == .controlClass || info.flags.contains(.disabled) { continue }
            result.append(info)
        }
        return result
    }

    /// The control called `name` (see ``ControlInfo/key(for:)``).
    public func control(named name: String) throws -> ControlInfo {
        try ControlInfo.find(name, in: controls(), device: path)
    }

    /// The current value of an integer-like control.
    ///
    /// The corresponding ioctl is `VIDIOC_G_EXT_CTRLS`.
    public func value(of control: ControlInfo) throws -> Int64 {
        guard control.type.holdsOneInteger, control.type != .button else {
            throw CaptureError.controlTypeNotSupported(device: path, control: control.key, type: control.type.description)
        }
        guard !control.flags.contains(.writeOnly) else {
            throw CaptureError.controlWriteOnly(device: path, control: control.key)
        }
        var item = v4l2_ext_control()
        item.id = control.id
        try exchange(.getExtendedControls, &item)
        return control.type == .integer64 ? item.value64 : Int64(item.value)
    }

    /// Sets an integer-like control after checking the value against its
    /// range. A button is pressed; its value is ignored.
    ///
    /// The corresponding ioctl is `VIDIOC_S_EXT_CTRLS`.
    public func setValue(_ value: Int64, for control: ControlInfo) throws {
        try control.validate(value, device: path)
        var item = v4l2_ext_control()
        item.id = control.id
        switch control.type {
        case .integer64: item.value64 = value
        case .button: item.value = 0
        default: item.value = Int32(truncatingIfNeeded: value)
        }
        try exchange(.setExtendedControls, &item)
    }

    /// Sets controls by name. Every name is resolved and every value checked
    /// before the first is set, so a typo changes nothing. They are set in
    /// the driver's control order (which puts automatic modes before the
    /// values they govern).
    public func setControls(_ values: [String: Int64]) throws {
        guard !values.isEmpty else { return }
        let available = try controls()
        var resolved: [(ControlInfo, Int64)] = []
        for (name, value) in values {
            let control = try ControlInfo.find(name, in: available, device: path)
            try control.validate(value, device: path)
            resolved.append((control, value))
        }
        let order = Dictionary(available.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        resolved.sort { order[$0.0.id, default: 0] < order[$1.0.id, default: 0] }
        for (control, value) in resolved {
            try setValue(value, for: control)
        }
    }

    /// Reads or writes one control with `struct v4l2_ext_controls`, for the
    /// current value (`V4L2_CTRL_WHICH_CUR_VAL`), which allows controls of
    /// any class in one call.
    private func exchange(_ request: IoctlRequest, _ item: inout v4l2_ext_control) throws(DeviceError) {
        try withUnsafeMutablePointer(to: &item) { (pointer) throws(DeviceError) in
            var list = v4l2_ext_controls()
            list.which = UInt32(V4L2_CTRL_WHICH_CUR_VAL)
            list.count = 1
            list.controls = pointer
            try fd.control(request, &list)
        }
    }
}
