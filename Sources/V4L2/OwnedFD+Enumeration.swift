import Platform

extension OwnedFD {
    /// Upper bound for every enumeration, so a driver that never ends a
    /// list cannot hang us.
    static let enumerationLimit: UInt32 = 4096

    /// The entries of a V4L2 enumeration ioctl (`VIDIOC_ENUM_FMT`,
    /// `VIDIOC_SUBDEV_ENUM_MBUS_CODE`, ...): `request` runs with
    /// `make(index)` for index 0, 1, ... until the driver ends the list
    /// (EINVAL) or does not implement it (ENOTTY); `entry` reads each
    /// answer. An entry for which `isLast` holds ends the list too (a
    /// stepwise range is the only one there is).
    ///
    /// - Throws: any other error of the ioctl.
    func enumeration<Argument, Entry>(
        _ request: IoctlRequest, _ make: (UInt32) -> Argument, isLast: (Entry) -> Bool = { _ in false },
        _ entry: (Argument) -> Entry
    ) throws(DeviceError) -> [Entry] {
        var entries: [Entry] = []
        for index in 0..<Self.enumerationLimit {
            var argument = make(index)
            do {
                try control(request, &argument)
            } catch where error.errno == .invalidArgument || error.errno == .inappropriateIOCTLForDevice {
                break
            }
            entries.append(entry(argument))
            if let last = entries.last, isLast(last) { break }
        }
        return entries
    }
}
