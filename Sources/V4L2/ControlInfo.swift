import CV4L2
import Platform

/// What `VIDIOC_QUERY_EXT_CTRL` reports about one control.
public struct ControlInfo: Sendable, Equatable {
    /// The control's ID (`V4L2_CID_*` or a driver-private ID).
    public var id: UInt32
    /// The name as the driver reports it, e.g. "Timestamp Source".
    public var name: String
    /// The kind of value it holds (`v4l2_query_ext_ctrl.type`).
    public var type: ControlType
    /// The smallest value (`v4l2_query_ext_ctrl.minimum`); for a menu, the
    /// first index.
    public var minimum: Int64
    /// For a bitmask control: the bits that may be set.
    public var maximum: Int64
    /// The distance between valid values (`v4l2_query_ext_ctrl.step`).
    public var step: UInt64
    /// The value the driver starts with (`v4l2_query_ext_ctrl.default_value`).
    public var defaultValue: Int64
    /// The `V4L2_CTRL_FLAG_*` bits.
    public var flags: ControlFlags

    /// A control description with these values; no checks.
    package init(
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

    /// The control `VIDIOC_QUERY_EXT_CTRL` described; the name is read up to
    /// its first NUL.
    package init(_ raw: v4l2_query_ext_ctrl) {
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
    package static func key(for name: String) -> String {
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
    package static func find(_ name: String, in controls: [ControlInfo], device: String) throws(CaptureError) -> ControlInfo {
        let wanted = key(for: name)
        if !wanted.isEmpty, let match = controls.first(where: { $0.key == wanted }) { return match }
        throw .unknownControl(device: device, name: name, available: controls.map(\.key))
    }

    /// Checks that `value` may be written to this control: it must hold one
    /// integer, not be read-only and lie within its range (bitmasks: only
    /// bits of `maximum`). Buttons accept any value.
    package func validate(_ value: Int64, device: String) throws(CaptureError) {
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
