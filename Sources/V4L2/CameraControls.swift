import CV4L2
import Platform

extension VideoDevice {
    /// The device's controls: listed, read, set, and put back.
    public var controls: CameraControls { CameraControls(device: self) }
}

/// One camera's V4L2 controls (the `VIDIOC_*_EXT_CTRL(S)` calls), apart
/// from the device's formats and streaming: what a configuration's
/// `controls` sets and what is put back when its stream ends.
public struct CameraControls {
    let device: VideoDevice
    private var path: String { device.path }

    /// Every control of the device, in the driver's order, without the class
    /// headings and without disabled controls.
    ///
    /// The corresponding ioctl is `VIDIOC_QUERY_EXT_CTRL`, walked with
    /// `V4L2_CTRL_FLAG_NEXT_CTRL | V4L2_CTRL_FLAG_NEXT_COMPOUND` so that
    /// compound controls are listed too.
    public func list() throws(DeviceError) -> [ControlInfo] {
        let next = UInt32(V4L2_CTRL_FLAG_NEXT_CTRL) | UInt32(V4L2_CTRL_FLAG_NEXT_COMPOUND)
        var result: [ControlInfo] = []
        var id: UInt32 = 0
        for _ in 0..<OwnedFD.enumerationLimit {
            var query = v4l2_query_ext_ctrl()
            query.id = id | next
            do {
                try device.fd.control(.queryExtendedControl, &query)
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
    public func named(_ name: String) throws -> ControlInfo {
        try ControlInfo.find(name, in: list(), device: path)
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
    package func setValue(_ value: Int64, for control: ControlInfo) throws {
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
    /// values they govern). Returns the values they had, for
    /// ``ControlValues/restore(on:)`` when the stream ends: controls persist
    /// in the driver, and the next program should find the camera as this
    /// one did (vivid's timestamp source set by one run changed the next's
    /// figures).
    @discardableResult
    package func set(_ values: [String: Int64]) throws -> ControlValues {
        guard !values.isEmpty else { return ControlValues(values: []) }
        let available = try list()
        var resolved: [(ControlInfo, Int64)] = []
        for (name, value) in values {
            let control = try ControlInfo.find(name, in: available, device: path)
            try control.validate(value, device: path)
            resolved.append((control, value))
        }
        let order = Dictionary(available.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        resolved.sort { order[$0.0.id, default: 0] < order[$1.0.id, default: 0] }
        var found: [(ControlInfo, Int64)] = []
        for (control, _) in resolved where control.type != .button {
            found.append((control, try value(of: control)))
        }
        let before = ControlValues(values: found)
        do {
            for (control, value) in resolved { try setValue(value, for: control) }
        } catch {
            before.restore(on: device)
            throw error
        }
        return before
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
            try device.fd.control(request, &list)
        }
    }
}
