import CV4L2
import Platform

/// A V4L2 node as one end of a media pipeline (`V4L2_CAP_IO_MC`): which
/// pixel formats it captures from a pad's media bus code, and its format
/// read and set for a node framepipe does not stream from but must keep
/// in step (vimc's raw capture node hangs off the sensor pad the main
/// chain starts at, and the kernel validates that link at every
/// STREAMON).
package struct MediaVideoNode {
    /// The open node.
    package let device: VideoDevice

    /// The node `device`.
    package init(_ device: VideoDevice) { self.device = device }

    /// The pixel formats that carry media bus code `code` into memory.
    package func formats(mediaBusCode code: UInt32) -> [FourCC] {
        guard let type = device.captureBufferType else { return [] }
        return ((try? device.formats(for: type, mediaBusCode: code)) ?? []).map(\.fourcc)
    }

    /// Whether the node itself sets a frame interval (`VIDIOC_G_PARM`
    /// reports `V4L2_CAP_TIMEPERFRAME`); a media-controller node usually
    /// does not, its sensor does.
    package var setsFrameInterval: Bool {
        guard let type = device.captureBufferType else { return false }
        var parameters = v4l2_streamparm()
        parameters.type = type.kernelValue
        guard (try? CaptureNegotiation.getParameters(on: device, &parameters)) == true else { return false }
        return parameters.parm.capture.capability & UInt32(V4L2_CAP_TIMEPERFRAME) != 0
    }

    /// The node's capture format now.
    /// The corresponding ioctl is `VIDIOC_G_FMT`.
    package func frameFormat() throws -> FrameFormat {
        guard let type = device.captureBufferType else { throw V4L2Error.noStreaming(path: device.path) }
        var raw = v4l2_format()
        raw.type = type.kernelValue
        try device.fd.control(.getFormat, &raw)
        guard let format = CaptureFormat(raw) else { throw DeviceError(call: "VIDIOC_G_FMT", errno: .invalidArgument, device: device.path) }
        return format.frameFormat
    }

    /// Sets the node's capture format; returns what the driver made of it.
    /// The corresponding ioctl is `VIDIOC_S_FMT`.
    @discardableResult
    package func setFrameFormat(_ format: FrameFormat) throws -> FrameFormat {
        guard let type = device.captureBufferType else { throw V4L2Error.noStreaming(path: device.path) }
        var raw = CaptureNegotiation.formatRequest(
            type: type, configuration: CaptureConfiguration(fourcc: format.fourcc, width: format.width, height: format.height))
        try device.fd.control(.setFormat, &raw)
        guard let set = CaptureFormat(raw) else { throw DeviceError(call: "VIDIOC_S_FMT", errno: .invalidArgument, device: device.path) }
        return set.frameFormat
    }
}
