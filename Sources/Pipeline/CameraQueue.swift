import V4L2

/// What the scheduler needs from a camera. `CaptureStream` provides it in
/// the product; tests provide a scripted fake.
package protocol CameraQueue: AnyObject {
    /// The next filled buffer, or nil when none is ready (the fd is
    /// non-blocking). The corresponding ioctl is `VIDIOC_DQBUF`.
    func dequeue() throws -> CapturedFrame?
    /// Hands `index` back to the camera to fill. The corresponding ioctl is `VIDIOC_QBUF`.
    func queue(_ index: BufferIndex) throws
}
