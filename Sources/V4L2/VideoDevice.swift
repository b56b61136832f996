import CV4L2
import Platform
import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// Errors about V4L2 devices that are not a failing ioctl: the path names
/// something that is not a camera, or a camera that cannot do what we need.
public enum V4L2Error: UserFacingError, Sendable, Equatable {
    /// The path exists but is not a V4L2 node.
    case notAVideoDevice(path: String, actually: String)
    /// The node is V4L2 but cannot capture video (e.g. an output or radio node).
    case notACaptureDevice(path: String, card: String, capabilities: [String])
    /// The node captures but has no streaming I/O (VIDIOC_REQBUFS).
    case noStreaming(path: String)

    public var description: String {
        switch self {
        case .notAVideoDevice(let path, let actually):
            return "\(path) is \(actually), expected a V4L2 video device (/dev/videoN)"
        case .notACaptureDevice(let path, let card, let capabilities):
            return "\(path) (\(card)) cannot capture video: it offers \(capabilities.joined(separator: ", ")); expected video-capture or video-capture-mplane"
        case .noStreaming(let path):
            return "\(path) has no streaming I/O; framepipe needs VIDIOC_REQBUFS with MMAP or DMABUF"
        }
    }

    public var exitStatus: ExitStatus { .unavailable }
}

/// An open V4L2 device node, driven through libv4l2 with its format
/// conversion disabled (so what we negotiate is what the driver produces and
/// buffers can be exported as dma-bufs).
///
/// Multiplanar-only nodes are the exception: for them libv4l2 loads its
/// mplane plugin, which hides the MPLANE capability, rejects every
/// MPLANE-typed G_FMT/S_FMT/QBUF/DQBUF with EINVAL (it exists to let old
/// single-planar applications use such nodes, one plane only) and announces
/// itself with a `printf` on standard output. framepipe speaks MPLANE
/// natively, so those nodes are driven with plain ioctls.
///
/// The descriptor is owned here and closed with `v4l2_close` when the device
/// is released.
public final class VideoDevice {
    /// The owned descriptor; every ioctl goes through its funnel.
    public let fd: OwnedFD
    /// What `VIDIOC_QUERYCAP` said when the device was opened.
    public let capability: CapabilityInfo

    public var path: String { fd.path }

    private init(fd: consuming OwnedFD, capability: CapabilityInfo) {
        self.fd = fd
        self.capability = capability
    }

    /// Opens a V4L2 node. The path is checked with `stat` first so that a
    /// wrong path gets a message about the path ("is a DRM device") rather than
    /// an ioctl error, and so that libv4l2 never sees (and never logs about)
    /// a non-V4L2 descriptor.
    ///
    /// The corresponding calls are `open`, `VIDIOC_QUERYCAP` and `v4l2_fd_open`.
    public static func open(_ path: String) throws -> VideoDevice {
        try open(path, kernel: SystemKernel.shared)
    }

    /// ``open(_:)`` on `kernel`.
    package static func open(_ path: String, kernel: any KernelInterface) throws -> VideoDevice {
        let kind = try DeviceNodeKind.of(path, kernel: kernel)
        guard kind == .video4linux else {
            throw V4L2Error.notAVideoDevice(path: path, actually: kind.description)
        }
        let plain = try OwnedFD.open(path, kernel: kernel)
        var raw = v4l2_capability()
        try plain.control(.queryCapability, &raw)
        let capability = CapabilityInfo(raw)
        if capability.libv4l2WouldEmulateSinglePlanar {
            return VideoDevice(fd: plain, capability: capability)
        }
        // libv4l2 takes the descriptor over: from now on it must carry the
        // ioctls and do the close.
        let number = plain.rawValue
        guard kernel.v4l2_fd_open(number, Int32(V4L2_DISABLE_CONVERSION)) == number else {
            throw DeviceError(call: "v4l2_fd_open", errno: Errno(rawValue: errno), device: path)
        }
        return VideoDevice(fd: plain.rebound(to: .libv4l2), capability: capability)
    }

    /// Whether ioctls go through libv4l2 (`v4l2_ioctl`) or straight to the driver.
    public var usesLibV4L2: Bool { fd.backend == .libv4l2 }

    /// The capture buffer type to use: multiplanar when the node offers it,
    /// else single-planar, else nil (not a capture node).
    public var captureBufferType: CaptureBufferType? {
        if capability.deviceCapabilities.contains(.videoCaptureMultiplanar) { return .multiplanar }
        if capability.deviceCapabilities.contains(.videoCapture) { return .singlePlanar }
        return nil
    }

    /// Fails unless this node can capture video with streaming I/O.
    public func requireCapture() throws(V4L2Error) -> CaptureBufferType {
        guard let type = captureBufferType else {
            throw .notACaptureDevice(path: path, card: capability.card, capabilities: capability.deviceCapabilities.names)
        }
        guard capability.deviceCapabilities.contains(.streaming) else { throw .noStreaming(path: path) }
        return type
    }

    // MARK: Enumeration

    /// Upper bound for every enumeration loop, so a driver that never ends a
    /// list cannot hang us.
    static let enumerationLimit: UInt32 = 4096

    /// The pixel formats offered for `type`.
    /// The corresponding ioctl is `VIDIOC_ENUM_FMT`.
    public func formats(for type: CaptureBufferType) throws(DeviceError) -> [FormatDescription] {
        var result: [FormatDescription] = []
        for index in 0..<Self.enumerationLimit {
            var description = v4l2_fmtdesc()
            description.index = index
            description.type = type.kernelValue
            guard try enumerate(.enumerateFormat, &description) else { break }
            result.append(FormatDescription(description))
        }
        return result
    }

    /// The frame sizes offered for `format`.
    /// The corresponding ioctl is `VIDIOC_ENUM_FRAMESIZES`.
    public func frameSizes(for format: FourCC) throws(DeviceError) -> [FrameSizeRange] {
        var result: [FrameSizeRange] = []
        for index in 0..<Self.enumerationLimit {
            var size = v4l2_frmsizeenum()
            size.index = index
            size.pixel_format = format.rawValue
            guard try enumerate(.enumerateFrameSizes, &size) else { break }
            switch size.type {
            case V4L2_FRMSIZE_TYPE_DISCRETE.rawValue:
                result.append(.discrete(width: size.discrete.width, height: size.discrete.height))
            default:
                let step = size.stepwise
                result.append(.stepwise(
                    minWidth: step.min_width, maxWidth: step.max_width, stepWidth: step.step_width,
                    minHeight: step.min_height, maxHeight: step.max_height, stepHeight: step.step_height))
                return result  // stepwise and continuous have exactly one entry
            }
        }
        return result
    }

    /// The frame intervals offered for `format` at `width`x`height`.
    /// The corresponding ioctl is `VIDIOC_ENUM_FRAMEINTERVALS`.
    public func frameIntervals(for format: FourCC, width: UInt32, height: UInt32) throws(DeviceError) -> [FrameIntervalRange] {
        var result: [FrameIntervalRange] = []
        for index in 0..<Self.enumerationLimit {
            var interval = v4l2_frmivalenum()
            interval.index = index
            interval.pixel_format = format.rawValue
            interval.width = width
            interval.height = height
            guard try enumerate(.enumerateFrameIntervals, &interval) else { break }
            switch interval.type {
            case V4L2_FRMIVAL_TYPE_DISCRETE.rawValue:
                result.append(.discrete(Fraction(interval.discrete)))
            default:
                let step = interval.stepwise
                result.append(.stepwise(min: Fraction(step.min), max: Fraction(step.max), step: Fraction(step.step)))
                return result
            }
        }
        return result
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

    /// Runs one step of an enumeration ioctl: true when an entry was filled
    /// in, false at the end of the list (EINVAL) or when the driver does not
    /// implement the enumeration (ENOTTY).
    private func enumerate<Argument>(_ request: IoctlRequest, _ argument: inout Argument) throws(DeviceError) -> Bool {
        do {
            try fd.control(request, &argument)
            return true
        } catch where error.errno == .invalidArgument || error.errno == .inappropriateIOCTLForDevice {
            return false
        }
    }
}
