import V4L2

/// vivid's "Timestamp Source" control, set by tests that need one kind of
/// stamp whatever an earlier test of the boot left: 0 end of frame (the
/// driver's default, stamps 0.9 frame ahead of their dequeue), 1 start of
/// exposure.
enum VividTimestampSource {
    /// Sets the control of `path`; returns the value it had.
    static func set(_ value: Int64, of path: String) throws -> Int64 {
        let camera = try VideoDevice.open(path)
        defer { camera.close() }
        let control = try camera.controls.named("timestamp_source")
        let found = try camera.controls.value(of: control)
        try camera.controls.setValue(value, for: control)
        return found
    }
}
