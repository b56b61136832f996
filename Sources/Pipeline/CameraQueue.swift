import Platform
import V4L2

#if canImport(Glibc)
import Glibc
#endif

/// What the scheduler needs from a camera. `CaptureStream` provides it in
/// the product; tests provide a scripted fake.
package protocol CameraQueue: AnyObject {
    /// The next filled buffer, or nil when none is ready (the fd is
    /// non-blocking). The corresponding ioctl is `VIDIOC_DQBUF`.
    func dequeue() throws -> CapturedFrame?
    /// Hands `index` back to the camera to fill. The corresponding ioctl is `VIDIOC_QBUF`.
    func queue(_ index: BufferIndex) throws
}

extension CameraQueue {
    /// Hands `index` back, asking once more when the driver refuses (a
    /// driver may refuse a buffer once, as vivid's `inject_vidioc_qbuf_error`
    /// does). Errors that mean the stream is over (ENODEV: unplugged, EIO:
    /// fatal) are not retried; a second refusal is
    /// ``PipelineError/bufferNotReturned(device:index:cause:)``, since a
    /// camera that keeps its buffers would starve.
    ///
    /// - Returns: whether it took a second try.
    func queueRetryingOnce(_ index: BufferIndex) throws -> Bool {
        do {
            try queue(index)
            return false
        } catch let refusal as DeviceError where !refusal.endsStream {
            do {
                try queue(index)
            } catch let again as DeviceError where !again.endsStream {
                throw PipelineError.bufferNotReturned(
                    device: again.device, index: index.rawValue,
                    cause: "\(again.call) failed twice: \(errnoName(refusal.errnoCode)), then \(errnoName(again.errnoCode))")
            }
            return true
        }
    }
}

extension DeviceError {
    /// Whether no ioctl on the queue can succeed after this error.
    var endsStream: Bool { [ENODEV, ENXIO, EIO].contains(errnoCode) }
}
