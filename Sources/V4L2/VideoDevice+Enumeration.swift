import CV4L2
import Platform
import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// What a device offers: formats, sizes, rates, streaming I/O.
extension VideoDevice {

    /// The pixel formats offered for `type`; with `mediaBusCode`, only
    /// those that carry that media bus code into memory (a media-controller
    /// node's formats for the pad feeding it).
    /// The corresponding ioctl is `VIDIOC_ENUM_FMT`.
    public func formats(for type: CaptureBufferType, mediaBusCode: UInt32 = 0) throws(DeviceError) -> [FormatDescription] {
        try fd.enumeration(.enumerateFormat, { index in
            var description = v4l2_fmtdesc()
            description.index = index
            description.type = type.kernelValue
            description.mbus_code = mediaBusCode
            return description
        }, FormatDescription.init)
    }

    /// The frame sizes offered for `format`.
    /// The corresponding ioctl is `VIDIOC_ENUM_FRAMESIZES`.
    public func frameSizes(for format: FourCC) throws(DeviceError) -> [FrameSizeRange] {
        try fd.enumeration(.enumerateFrameSizes, { index in
            var size = v4l2_frmsizeenum()
            size.index = index
            size.pixel_format = format.rawValue
            return size
        }, isLast: { if case .stepwise = $0 { true } else { false } }) { size in
            guard size.type != V4L2_FRMSIZE_TYPE_DISCRETE.rawValue else { return .discrete(width: size.discrete.width, height: size.discrete.height) }
            let step = size.stepwise
            return .stepwise(minWidth: step.min_width, maxWidth: step.max_width, stepWidth: step.step_width,
                             minHeight: step.min_height, maxHeight: step.max_height, stepHeight: step.step_height)
        }
    }

    /// The frame intervals offered for `format` at `width`x`height`.
    /// The corresponding ioctl is `VIDIOC_ENUM_FRAMEINTERVALS`.
    public func frameIntervals(for format: FourCC, width: UInt32, height: UInt32) throws(DeviceError) -> [FrameIntervalRange] {
        try fd.enumeration(.enumerateFrameIntervals, { index in
            var interval = v4l2_frmivalenum()
            interval.index = index
            interval.pixel_format = format.rawValue
            interval.width = width
            interval.height = height
            return interval
        }, isLast: { if case .stepwise = $0 { true } else { false } }) { interval in
            guard interval.type != V4L2_FRMIVAL_TYPE_DISCRETE.rawValue else { return .discrete(Fraction(interval.discrete)) }
            let step = interval.stepwise
            return .stepwise(min: Fraction(step.min), max: Fraction(step.max), step: Fraction(step.step))
        }
    }

    /// Which memory types `VIDIOC_REQBUFS` accepts for `type`, and whether
    /// MMAP buffers can really be exported as dma-bufs.
    ///
    /// Export is proven, not inferred: one MMAP buffer is allocated and
    /// exported with `VIDIOC_EXPBUF`, then the export fd is closed and the
    /// buffers freed (`VIDIOC_REQBUFS` with count 0). If another process owns
    /// the queue (EBUSY) export is reported as unknown.
    public func streamingSupport(for type: CaptureBufferType) throws(DeviceError) -> StreamingSupport {
        var probe = v4l2_requestbuffers()
        probe.type = type.kernelValue
        probe.memory = V4L2_MEMORY_MMAP.rawValue
        probe.count = 0
        var mmap = true
        do { try fd.control(.requestBuffers, &probe) } catch where error.errno == .invalidArgument {
            mmap = false
        } catch where error.errno == .resourceBusy {
            // Another open file owns the queue: vb2 refuses even this count-0
            // probe, without reporting the capability bits. MMAP was not
            // refused; the export probe below then reports "unknown".
        }
        let caps = probe.capabilities
        var support = StreamingSupport(
            mmap: mmap || caps & UInt32(V4L2_BUF_CAP_SUPPORTS_MMAP) != 0,
            userPointer: caps & UInt32(V4L2_BUF_CAP_SUPPORTS_USERPTR) != 0,
            dmabuf: caps & UInt32(V4L2_BUF_CAP_SUPPORTS_DMABUF) != 0,
            exportable: nil)
        if support.mmap {
            support.exportable = try probeExport(type)
        }
        return support
    }

    private func probeExport(_ type: CaptureBufferType) throws(DeviceError) -> Bool? {
        var request = v4l2_requestbuffers()
        request.type = type.kernelValue
        request.memory = V4L2_MEMORY_MMAP.rawValue
        request.count = 1
        do { try fd.control(.requestBuffers, &request) } catch where error.errno == .resourceBusy {
            return nil
        }
        defer {
            var free = v4l2_requestbuffers()
            free.type = type.kernelValue
            free.memory = V4L2_MEMORY_MMAP.rawValue
            free.count = 0
            try? fd.control(.requestBuffers, &free)
        }
        guard request.count > 0 else { return false }
        var export = v4l2_exportbuffer()
        export.type = type.kernelValue
        export.index = 0
        export.plane = 0
        export.flags = UInt32(O_RDONLY | O_CLOEXEC)
        do { try fd.control(.exportBuffer, &export) } catch where error.errno == .notSupported || error.errno == .invalidArgument || error.errno == .inappropriateIOCTLForDevice {
            return false
        }
        _ = fd.derived(export.fd, path: path + " (dma-buf)")  // closed at once
        return true
    }
}
