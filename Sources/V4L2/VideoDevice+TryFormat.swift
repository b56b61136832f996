import CV4L2
import Platform

/// Asking what a format would be, without setting it.
extension VideoDevice {
    /// What the driver would make of `configuration` (fourcc, size and,
    /// when given, stride): its planes' strides and sizes. Nothing changes
    /// on the device, and no buffers are involved; a caller that must
    /// allocate memory for the camera (from a dma-buf heap) learns how much.
    ///
    /// - Throws: `CaptureError.formatNotOffered` when the driver would
    ///   change the fourcc or size; `DeviceError` when the call fails.
    ///
    /// The corresponding ioctl is `VIDIOC_TRY_FMT`.
    package func tryFormat(_ configuration: CaptureConfiguration) throws -> CaptureFormat {
        let type = try requireCapture()
        var raw = CaptureNegotiation.formatRequest(type: type, configuration: configuration)
        try fd.control(.tryFormat, &raw)
        return try CaptureNegotiation.checkedFormat(raw, on: self, type: type, configuration: configuration)
    }
}
