import CKernelShim
import CV4L2
import Platform

#if canImport(Glibc)
import Glibc
#endif

/// The camera's ioctl dispatch, and the ioctls that describe and configure
/// it: capabilities, formats, frame sizes and intervals, controls.
extension FakeCamera {
    /// Decodes `argument` by the request number (the lock is held).
    func ioctl(
        _ request: IoctlRequest, _ argument: UnsafeMutableRawPointer?, file: FakeOpenFile, kernel: FakeKernel, note: inout String?
    ) throws(FakeErrno) -> Int32 {
        guard let argument else { throw FakeErrno(EFAULT) }
        switch request.number {
        case fp_VIDIOC_QUERYCAP: queryCapability(argument.assumingMemoryBound(to: v4l2_capability.self))
        case fp_VIDIOC_ENUM_FMT: try enumerateFormat(argument.assumingMemoryBound(to: v4l2_fmtdesc.self))
        case fp_VIDIOC_ENUM_FRAMESIZES: try enumerateFrameSize(argument.assumingMemoryBound(to: v4l2_frmsizeenum.self))
        case fp_VIDIOC_ENUM_FRAMEINTERVALS: try enumerateFrameInterval(argument.assumingMemoryBound(to: v4l2_frmivalenum.self))
        case fp_VIDIOC_G_FMT: try getFormat(argument.assumingMemoryBound(to: v4l2_format.self))
        case fp_VIDIOC_S_FMT: try setFormat(argument.assumingMemoryBound(to: v4l2_format.self), apply: true)
        case fp_VIDIOC_TRY_FMT: try setFormat(argument.assumingMemoryBound(to: v4l2_format.self), apply: false)
        case fp_VIDIOC_G_PARM: try getParameters(argument.assumingMemoryBound(to: v4l2_streamparm.self))
        case fp_VIDIOC_S_PARM: try setParameters(argument.assumingMemoryBound(to: v4l2_streamparm.self))
        case fp_VIDIOC_QUERY_EXT_CTRL: try queryControl(argument.assumingMemoryBound(to: v4l2_query_ext_ctrl.self))
        case fp_VIDIOC_G_EXT_CTRLS: try exchangeControls(argument.assumingMemoryBound(to: v4l2_ext_controls.self), set: false)
        case fp_VIDIOC_S_EXT_CTRLS: try exchangeControls(argument.assumingMemoryBound(to: v4l2_ext_controls.self), set: true)
        case fp_VIDIOC_REQBUFS: try requestBuffers(argument.assumingMemoryBound(to: v4l2_requestbuffers.self), file: file)
        case fp_VIDIOC_QUERYBUF: try queryBuffer(argument.assumingMemoryBound(to: v4l2_buffer.self))
        case fp_VIDIOC_EXPBUF: try exportBuffer(argument.assumingMemoryBound(to: v4l2_exportbuffer.self), kernel: kernel)
        case fp_VIDIOC_QBUF: try queueBuffer(argument.assumingMemoryBound(to: v4l2_buffer.self), file: file, kernel: kernel)
        case fp_VIDIOC_DQBUF: note = try dequeueBuffer(argument.assumingMemoryBound(to: v4l2_buffer.self), file: file)
        case fp_VIDIOC_STREAMON: try streamOn(argument.assumingMemoryBound(to: Int32.self).pointee, file: file)
        case fp_VIDIOC_STREAMOFF: try streamOff(argument.assumingMemoryBound(to: Int32.self).pointee, file: file)
        default: throw FakeErrno(ENOTTY)
        }
        return 0
    }

    /// The trace detail of a camera ioctl: what names its argument.
    func describe(_ request: IoctlRequest, _ argument: UnsafeMutableRawPointer?) -> String {
        guard let argument else { return "" }
        switch request.number {
        case fp_VIDIOC_REQBUFS:
            let value = argument.assumingMemoryBound(to: v4l2_requestbuffers.self).pointee
            return "\(Self.memoryName(value.memory)) \(value.count)"
        case fp_VIDIOC_QUERYBUF, fp_VIDIOC_QBUF:
            return "\(argument.assumingMemoryBound(to: v4l2_buffer.self).pointee.index)"
        case fp_VIDIOC_EXPBUF:
            let value = argument.assumingMemoryBound(to: v4l2_exportbuffer.self).pointee
            return "\(value.index) plane \(value.plane)"
        case fp_VIDIOC_ENUM_FMT:
            return "\(argument.assumingMemoryBound(to: v4l2_fmtdesc.self).pointee.index)"
        case fp_VIDIOC_ENUM_FRAMESIZES:
            return "\(argument.assumingMemoryBound(to: v4l2_frmsizeenum.self).pointee.index)"
        case fp_VIDIOC_ENUM_FRAMEINTERVALS:
            return "\(argument.assumingMemoryBound(to: v4l2_frmivalenum.self).pointee.index)"
        default:
            return ""
        }
    }

    var offeredFormats: [FakeCameraFormat] { FakeCameraFormat.offered(multiplanar: configuration.multiplanar) }

    private func queryCapability(_ pointer: UnsafeMutablePointer<v4l2_capability>) {
        var capability = v4l2_capability()
        writeCString(&capability.driver, "fakecam")
        writeCString(&capability.card, "Fake Camera")
        writeCString(&capability.bus_info, "platform:fakecam-\(minor)")
        capability.version = (6 << 16) | (1 << 8)
        let capture = configuration.multiplanar ? UInt32(V4L2_CAP_VIDEO_CAPTURE_MPLANE) : UInt32(V4L2_CAP_VIDEO_CAPTURE)
        capability.device_caps = capture | UInt32(V4L2_CAP_STREAMING)
        capability.capabilities = capability.device_caps | UInt32(V4L2_CAP_DEVICE_CAPS)
        pointer.pointee = capability
    }

    private func enumerateFormat(_ pointer: UnsafeMutablePointer<v4l2_fmtdesc>) throws(FakeErrno) {
        var value = pointer.pointee
        guard value.type == bufferType, Int(value.index) < offeredFormats.count else { throw FakeErrno(EINVAL) }
        let format = offeredFormats[Int(value.index)]
        value.flags = 0
        value.pixelformat = format.fourcc
        writeCString(&value.description, format.description)
        pointer.pointee = value
    }

    private func enumerateFrameSize(_ pointer: UnsafeMutablePointer<v4l2_frmsizeenum>) throws(FakeErrno) {
        var value = pointer.pointee
        guard offeredFormats.contains(where: { $0.fourcc == value.pixel_format }),
              Int(value.index) < configuration.sizes.count else { throw FakeErrno(EINVAL) }
        let size = configuration.sizes[Int(value.index)]
        value.type = V4L2_FRMSIZE_TYPE_DISCRETE.rawValue
        value.discrete.width = size.width
        value.discrete.height = size.height
        pointer.pointee = value
    }

    private func enumerateFrameInterval(_ pointer: UnsafeMutablePointer<v4l2_frmivalenum>) throws(FakeErrno) {
        var value = pointer.pointee
        guard offeredFormats.contains(where: { $0.fourcc == value.pixel_format }),
              configuration.sizes.contains(FakeFrameSize(value.width, value.height)),
              Int(value.index) < configuration.framesPerSecond.count else { throw FakeErrno(EINVAL) }
        value.type = V4L2_FRMIVAL_TYPE_DISCRETE.rawValue
        value.discrete = v4l2_fract(numerator: 1, denominator: configuration.framesPerSecond[Int(value.index)])
        pointer.pointee = value
    }

    private func getFormat(_ pointer: UnsafeMutablePointer<v4l2_format>) throws(FakeErrno) {
        guard pointer.pointee.type == bufferType else { throw FakeErrno(EINVAL) }
        pointer.pointee = formatStruct(format, width: width, height: height, bytesPerLine: requestedBytesPerLine)
    }

    /// Keeps a fourcc and size the camera offers; replaces others with the
    /// defaults, as drivers do. S_FMT is EBUSY while buffers exist (vb2_is_busy).
    private func setFormat(_ pointer: UnsafeMutablePointer<v4l2_format>, apply: Bool) throws(FakeErrno) {
        let requested = pointer.pointee
        guard requested.type == bufferType else { throw FakeErrno(EINVAL) }
        let fourcc = configuration.multiplanar ? requested.fmt.pix_mp.pixelformat : requested.fmt.pix.pixelformat
        let size = configuration.multiplanar
            ? FakeFrameSize(requested.fmt.pix_mp.width, requested.fmt.pix_mp.height)
            : FakeFrameSize(requested.fmt.pix.width, requested.fmt.pix.height)
        let chosenFormat = offeredFormats.first { $0.fourcc == fourcc } ?? offeredFormats[0]
        let chosenSize = configuration.sizes.contains(size) ? size : (configuration.sizes.first ?? FakeFrameSize(640, 480))
        let askedBytesPerLine = configuration.multiplanar ? requested.fmt.pix_mp.plane_fmt.0.bytesperline : requested.fmt.pix.bytesperline
        let bytesPerLine = askedBytesPerLine > 0 ? askedBytesPerLine : nil
        if apply {
            if !buffers.isEmpty { throw FakeErrno(EBUSY) }
            format = chosenFormat
            width = chosenSize.width
            height = chosenSize.height
            requestedBytesPerLine = bytesPerLine
        }
        pointer.pointee = formatStruct(chosenFormat, width: chosenSize.width, height: chosenSize.height, bytesPerLine: bytesPerLine)
    }

    private func formatStruct(_ format: FakeCameraFormat, width: UInt32, height: UInt32, bytesPerLine: UInt32?) -> v4l2_format {
        var value = v4l2_format()
        value.type = bufferType
        let layout = Self.layout(format, width: width, height: height, bytesPerLine: bytesPerLine)
        if configuration.multiplanar {
            var pix = v4l2_pix_format_mplane()
            pix.width = width
            pix.height = height
            pix.pixelformat = format.fourcc
            pix.field = V4L2_FIELD_NONE.rawValue
            pix.colorspace = V4L2_COLORSPACE_SRGB.rawValue
            pix.num_planes = UInt8(layout.count)
            var planes = pix.plane_fmt
            withUnsafeMutableBytes(of: &planes) { bytes in
                for (index, plane) in layout.enumerated() {
                    var entry = v4l2_plane_pix_format()
                    entry.bytesperline = plane.bytesPerLine
                    entry.sizeimage = plane.size
                    bytes.storeBytes(of: entry, toByteOffset: index * MemoryLayout<v4l2_plane_pix_format>.stride, as: v4l2_plane_pix_format.self)
                }
            }
            pix.plane_fmt = planes
            value.fmt.pix_mp = pix
        } else {
            value.fmt.pix.width = width
            value.fmt.pix.height = height
            value.fmt.pix.pixelformat = format.fourcc
            value.fmt.pix.field = V4L2_FIELD_NONE.rawValue
            value.fmt.pix.colorspace = V4L2_COLORSPACE_SRGB.rawValue
            value.fmt.pix.bytesperline = layout[0].bytesPerLine
            value.fmt.pix.sizeimage = layout[0].size
        }
        return value
    }

    private func getParameters(_ pointer: UnsafeMutablePointer<v4l2_streamparm>) throws(FakeErrno) {
        guard pointer.pointee.type == bufferType else { throw FakeErrno(EINVAL) }
        var value = v4l2_streamparm()
        value.type = bufferType
        value.parm.capture.capability = UInt32(V4L2_CAP_TIMEPERFRAME)
        value.parm.capture.timeperframe = v4l2_fract(numerator: interval.numerator, denominator: interval.denominator)
        value.parm.capture.readbuffers = 1
        pointer.pointee = value
    }

    /// Picks the offered interval nearest the one asked for.
    private func setParameters(_ pointer: UnsafeMutablePointer<v4l2_streamparm>) throws(FakeErrno) {
        guard pointer.pointee.type == bufferType else { throw FakeErrno(EINVAL) }
        let asked = pointer.pointee.parm.capture.timeperframe
        if asked.numerator != 0, asked.denominator != 0, !configuration.framesPerSecond.isEmpty {
            let seconds = Double(asked.numerator) / Double(asked.denominator)
            let rate = configuration.framesPerSecond.min { abs(1 / Double($0) - seconds) < abs(1 / Double($1) - seconds) }
            interval = (1, rate ?? interval.denominator)
        }
        try getParameters(pointer)
    }

    /// The controls in id order: the user-class heading, then Brightness.
    private func queryControl(_ pointer: UnsafeMutablePointer<v4l2_query_ext_ctrl>) throws(FakeErrno) {
        let nextFlags = UInt32(V4L2_CTRL_FLAG_NEXT_CTRL) | UInt32(V4L2_CTRL_FLAG_NEXT_COMPOUND)
        let asked = pointer.pointee.id
        let ids = [Self.userClassControl, Self.brightnessControl]
        let id: UInt32?
        if asked & nextFlags != 0 {
            id = ids.first { $0 > asked & ~nextFlags }
        } else {
            id = ids.first { $0 == asked }
        }
        guard let id else { throw FakeErrno(EINVAL) }
        var value = v4l2_query_ext_ctrl()
        value.id = id
        if id == Self.userClassControl {
            value.type = V4L2_CTRL_TYPE_CTRL_CLASS.rawValue
            writeCString(&value.name, "User Controls")
            value.flags = UInt32(V4L2_CTRL_FLAG_READ_ONLY | V4L2_CTRL_FLAG_WRITE_ONLY)
        } else {
            value.type = V4L2_CTRL_TYPE_INTEGER.rawValue
            writeCString(&value.name, "Brightness")
            value.minimum = 0
            value.maximum = 255
            value.step = 1
            value.default_value = 128
            value.flags = UInt32(V4L2_CTRL_FLAG_SLIDER)
        }
        value.elem_size = 4
        value.elems = 1
        pointer.pointee = value
    }

    /// G/S_EXT_CTRLS of the current values: only Brightness exists; a value
    /// out of 0...255 is ERANGE, as the control framework says.
    private func exchangeControls(_ pointer: UnsafeMutablePointer<v4l2_ext_controls>, set: Bool) throws(FakeErrno) {
        let list = pointer.pointee
        guard list.which == UInt32(V4L2_CTRL_WHICH_CUR_VAL) || list.which == UInt32(V4L2_CTRL_CLASS_USER) else { throw FakeErrno(EINVAL) }
        guard list.count > 0 else { return }
        guard list.count <= 1024, let controls = list.controls else { throw FakeErrno(EFAULT) }
        var newValue = brightness
        for index in 0..<Int(list.count) {
            guard controls[index].id == Self.brightnessControl else {
                pointer.pointee.error_idx = set ? list.count : UInt32(index)
                throw FakeErrno(EINVAL)
            }
            if set {
                let value = Int64(controls[index].value)
                guard (0...255).contains(value) else {
                    pointer.pointee.error_idx = list.count
                    throw FakeErrno(ERANGE)
                }
                newValue = value
            } else {
                controls[index].value = Int32(brightness)
            }
        }
        brightness = newValue
    }

    /// Copies `text` into a fixed C character array, NUL-terminated.
    func writeCString<Tuple>(_ tuple: inout Tuple, _ text: String) {
        withUnsafeMutableBytes(of: &tuple) { bytes in
            for index in bytes.indices { bytes[index] = 0 }
            for (index, byte) in text.utf8.prefix(bytes.count - 1).enumerated() { bytes[index] = byte }
        }
    }
}
