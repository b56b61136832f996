import CV4L2
import Platform

#if canImport(Glibc)
import Glibc
#endif

/// Negotiating a capture format and frame interval with the driver: what
/// was asked, what the driver kept, and a one-line error naming both when
/// it changed the fourcc or size.
package enum CaptureNegotiation {

    /// Sets the format and checks the driver kept the fourcc and size.
    ///
    /// The corresponding ioctl is `VIDIOC_S_FMT` (and `VIDIOC_ENUM_FMT` to
    /// list the alternatives in the error).
    static func setFormat(
        on device: VideoDevice, type: CaptureBufferType, configuration: CaptureConfiguration
    ) throws -> CaptureFormat {
        var raw = formatRequest(type: type, configuration: configuration)
        try device.fd.control(.setFormat, &raw)
        return try checkedFormat(raw, on: device, type: type, configuration: configuration)
    }

    /// The `v4l2_format` asking for `configuration`.
    static func formatRequest(type: CaptureBufferType, configuration: CaptureConfiguration) -> v4l2_format {
        var raw = v4l2_format()
        raw.type = type.kernelValue
        switch type {
        case .singlePlanar:
            raw.fmt.pix.pixelformat = configuration.fourcc.rawValue
            raw.fmt.pix.width = configuration.width
            raw.fmt.pix.height = configuration.height
            raw.fmt.pix.field = V4L2_FIELD_NONE.rawValue
            raw.fmt.pix.bytesperline = configuration.bytesPerLine ?? 0
        case .multiplanar:
            raw.fmt.pix_mp.pixelformat = configuration.fourcc.rawValue
            raw.fmt.pix_mp.width = configuration.width
            raw.fmt.pix_mp.height = configuration.height
            raw.fmt.pix_mp.field = V4L2_FIELD_NONE.rawValue
            raw.fmt.pix_mp.plane_fmt.0.bytesperline = configuration.bytesPerLine ?? 0
        }
        return raw
    }

    /// The format the driver answered with, checked to keep the fourcc and
    /// size asked for.
    static func checkedFormat(
        _ raw: v4l2_format, on device: VideoDevice, type: CaptureBufferType, configuration: CaptureConfiguration
    ) throws -> CaptureFormat {
        guard let format = CaptureFormat(raw), !format.planes.isEmpty else {
            throw DeviceError(call: "VIDIOC_S_FMT", errno: .invalidArgument, device: device.path)
        }
        let requested = FrameFormat(fourcc: configuration.fourcc, width: configuration.width, height: configuration.height)
        if format.frameFormat != requested {
            let available = (try? device.formats(for: type).map(\.fourcc)) ?? []
            throw CaptureError.formatNotOffered(
                device: device.path, requested: requested, offered: format.frameFormat, available: available)
        }
        return format
    }

    /// Sets the frame interval when one is requested and reports the
    /// interval the driver uses (nil if it cannot tell).
    ///
    /// The corresponding ioctls are `VIDIOC_G_PARM` and `VIDIOC_S_PARM`.
    static func setFrameInterval(
        on device: VideoDevice, type: CaptureBufferType, requested: Fraction?
    ) throws -> Fraction? {
        var parameters = v4l2_streamparm()
        parameters.type = type.kernelValue
        // A driver without frame intervals rejects G_PARM (ENOTTY or EINVAL).
        let answered = try getParameters(on: device, &parameters)
        let supported = answered && parameters.parm.capture.capability & UInt32(V4L2_CAP_TIMEPERFRAME) != 0
        guard let requested else {
            return supported ? Fraction(parameters.parm.capture.timeperframe) : nil
        }
        guard supported else {
            throw CaptureError.frameIntervalNotSupported(device: device.path, requested: requested)
        }
        parameters = v4l2_streamparm()
        parameters.type = type.kernelValue
        parameters.parm.capture.timeperframe = v4l2_fract(numerator: requested.numerator, denominator: requested.denominator)
        try device.fd.control(.setParameters, &parameters)
        return Fraction(parameters.parm.capture.timeperframe)
    }

    /// `VIDIOC_G_PARM`: false when the driver does not implement it.
    static func getParameters(on device: VideoDevice, _ parameters: inout v4l2_streamparm) throws(DeviceError) -> Bool {
        do {
            try device.fd.control(.getParameters, &parameters)
            return true
        } catch where error.errno == .inappropriateIOCTLForDevice || error.errno == .invalidArgument {
            return false
        }
    }
}
