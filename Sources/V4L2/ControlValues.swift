/// Control values of one camera as they were, to put back: what
/// ``CameraControls/set(_:)`` found before it set a configuration's.
package struct ControlValues: Sendable {
    /// In the order they were set; restored in reverse (values before the
    /// automatic modes that govern them).
    let values: [(ControlInfo, Int64)]

    /// Sets each control back, last set first. Errors are not the caller's
    /// to handle (the camera may be unplugged, or a control no longer
    /// settable): each one is tried.
    package func restore(on device: VideoDevice) {
        for (control, value) in values.reversed() {
            try? device.controls.setValue(value, for: control)
        }
    }
}
