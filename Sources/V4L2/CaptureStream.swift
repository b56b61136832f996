import CV4L2
import Logging
import Platform

#if canImport(Glibc)
import Glibc
#endif

/// A V4L2 capture queue whose buffers are shared as dma-bufs, so that frames
/// reach the display without the CPU touching them.
///
/// Creating the stream negotiates the format, frame interval and controls and
/// sets up the buffers; ``start()`` queues them all and turns streaming on.
/// Then, each time ``fileDescriptor`` is readable, ``dequeue()`` hands back a
/// filled buffer, and ``queue(index:)`` returns it to the driver once nobody
/// reads it any more. ``stop()`` (also run on `deinit`) turns streaming off
/// and frees the buffers.
///
/// Buffers come either from the driver (`V4L2_MEMORY_MMAP`, each plane
/// exported with `VIDIOC_EXPBUF`) or from someone else, typically the
/// display's dumb buffers (`V4L2_MEMORY_DMABUF`). In both cases
/// ``buffers`` lists a ``DmaBuf`` per memory plane, and nothing is ever
/// mapped into this process.
///
/// The stream is not thread-safe and not `Sendable`: create it on the one
/// serial queue that drives it and use it only there. Steady-state calls
/// (``dequeue()``, ``queue(index:)``) allocate nothing.
public final class CaptureStream {
    private static let logger = Logger(label: "framepipe.v4l2")

    /// The device the stream captures from; kept open while the stream lives.
    public let device: VideoDevice
    /// The format the driver agreed to.
    public let format: CaptureFormat
    /// Who allocated the buffers.
    public let memory: CaptureMemory
    /// The frame interval the driver chose (seconds per frame), nil when the
    /// driver cannot report one.
    public let frameInterval: Fraction?
    /// The buffers, in index order, each with one dma-buf per memory plane.
    /// Empty after ``stop()``.
    public private(set) var buffers: [CaptureBuffer]
    /// True between ``start()`` and ``stop()``.
    public private(set) var isStreaming = false
    /// True once ``stop()`` ran; the stream cannot be started again.
    public private(set) var isStopped = false

    /// Which buffers the driver holds (queued and not yet dequeued).
    private var queued: [Bool]
    /// One `v4l2_plane` array per buffer for `VIDIOC_QBUF` and one for
    /// `VIDIOC_DQBUF`, allocated once so the frame path allocates nothing.
    /// Only the multiplanar API uses them.
    private let queuePlanes: UnsafeMutablePointer<v4l2_plane>
    private let dequeuePlanes: UnsafeMutablePointer<v4l2_plane>

    /// The descriptor to watch for readability (a `DispatchSource` read
    /// source or `poll(2)`): readable means a filled buffer can be dequeued.
    ///
    /// Faults do not always make it readable. After the device is unplugged
    /// it polls `POLLERR | POLLHUP` (a read source fires on the hang-up) and
    /// every ioctl, ``dequeue()`` included, throws ENODEV. After a fatal
    /// driver error (the kernel's `vb2_queue_error`) it polls `POLLERR`
    /// alone, which a libdispatch read source never reports, and
    /// ``dequeue()`` and ``queue(index:)`` throw EIO until ``stop()``. So a
    /// watcher should also poll for `POLLERR` now and then.
    public var fileDescriptor: Int32 { device.fd.rawValue }

    /// The buffer type, single-planar or multiplanar.
    public var bufferType: CaptureBufferType { format.bufferType }

    /// How many buffers the driver holds right now.
    public var queuedBufferCount: Int { queued.reduce(0) { $0 + ($1 ? 1 : 0) } }

    /// Whether the driver holds buffer `index` (it was queued and not yet
    /// dequeued).
    public func isQueued(index: Int) -> Bool { queued.indices.contains(index) && queued[index] }

    /// Sets up a stream whose buffers the driver allocates and framepipe
    /// exports as dma-bufs (read-only, close-on-exec: the display only reads).
    ///
    /// Steps: `VIDIOC_S_FMT` (the driver must keep the fourcc and size),
    /// `VIDIOC_S_PARM` when a frame interval is given, `VIDIOC_S_EXT_CTRLS`
    /// for the controls, `VIDIOC_REQBUFS` with `V4L2_MEMORY_MMAP`, then
    /// `VIDIOC_QUERYBUF` and `VIDIOC_EXPBUF` for every buffer and plane.
    public convenience init(device: VideoDevice, configuration: CaptureConfiguration) throws {
        try self.init(device: device, configuration: configuration, imports: nil)
    }

    /// Sets up a stream that captures into dma-bufs someone else allocated:
    /// one inner array per buffer, one ``ImportedPlane`` per memory plane of
    /// the negotiated format. `configuration.bufferCount` is ignored.
    ///
    /// Steps as for the exporting initializer, but `VIDIOC_REQBUFS` with
    /// `V4L2_MEMORY_DMABUF`; the dma-bufs are passed with every `VIDIOC_QBUF`.
    public convenience init(device: VideoDevice, configuration: CaptureConfiguration, importing planes: [[ImportedPlane]]) throws {
        try self.init(device: device, configuration: configuration, imports: planes)
    }

    private init(device: VideoDevice, configuration: CaptureConfiguration, imports: [[ImportedPlane]]?) throws {
        let type = try device.requireCapture()
        let requestedCount = imports?.count ?? configuration.bufferCount
        if let imports, imports.isEmpty { throw CaptureError.noImportedBuffers(device: device.path) }
        guard (2...StreamingLimits.bufferCount).contains(requestedCount) else {
            throw CaptureError.invalidBufferCount(device: device.path, requested: requestedCount)
        }
        let format = try Self.setFormat(on: device, type: type, configuration: configuration)
        let interval = try Self.setFrameInterval(on: device, type: type, requested: configuration.frameInterval)
        try device.setControls(configuration.controls)
        let buffers: [CaptureBuffer]
        if let imports {
            buffers = try Self.importBuffers(imports, on: device, format: format)
        } else {
            buffers = try Self.exportBuffers(count: requestedCount, on: device, format: format)
        }

        self.device = device
        self.format = format
        self.memory = imports == nil ? .exported : .imported
        self.frameInterval = interval
        self.buffers = buffers
        self.queued = Array(repeating: false, count: buffers.count)
        let planes = StreamingLimits.planeCount
        queuePlanes = .allocate(capacity: buffers.count * planes)
        queuePlanes.initialize(repeating: v4l2_plane(), count: buffers.count * planes)
        dequeuePlanes = .allocate(capacity: planes)
        dequeuePlanes.initialize(repeating: v4l2_plane(), count: planes)
    }

    deinit {
        do {
            try stop()
        } catch {
            // Nobody is left to hand the error to; the descriptors are closed anyway.
            Self.logger.debug("capture stream teardown: \(error)")
        }
        queuePlanes.deallocate()
        dequeuePlanes.deallocate()
    }

    // MARK: Streaming

    /// Queues every buffer the driver does not hold yet and starts streaming.
    ///
    /// The corresponding ioctls are `VIDIOC_QBUF` and `VIDIOC_STREAMON`.
    public func start() throws {
        guard !isStopped else { throw CaptureError.streamStopped(device: device.path) }
        guard !isStreaming else { return }
        for index in buffers.indices where !queued[index] {
            try queue(index: index)
        }
        var type = Int32(bitPattern: bufferType.kernelValue)
        try device.fd.control(.streamOn, &type)
        isStreaming = true
    }

    /// Gives buffer `index` back to the driver to be filled again. Call it
    /// only when nobody reads the buffer any more (for a displayed frame: when
    /// the next frame is on screen). Allocates nothing.
    ///
    /// The corresponding ioctl is `VIDIOC_QBUF`.
    public func queue(index: Int) throws {
        guard !isStopped else { throw CaptureError.streamStopped(device: device.path) }
        guard buffers.indices.contains(index) else {
            throw CaptureError.noSuchBuffer(device: device.path, index: index, count: buffers.count)
        }
        guard !queued[index] else { throw CaptureError.bufferAlreadyQueued(device: device.path, index: index) }
        var buffer = v4l2_buffer()
        buffer.index = UInt32(index)
        buffer.type = bufferType.kernelValue
        buffer.memory = memory.kernelValue
        switch bufferType {
        case .multiplanar:
            let planes = queuePlanes + index * StreamingLimits.planeCount
            let count = buffers[index].planes.count
            if memory == .imported {
                for plane in 0..<count {
                    planes[plane].m.fd = buffers[index].planes[plane].dmabuf.rawValue
                    planes[plane].length = buffers[index].planes[plane].length
                }
            }
            buffer.m.planes = planes
            buffer.length = UInt32(count)
        case .singlePlanar:
            if memory == .imported {
                buffer.m.fd = buffers[index].planes[0].dmabuf.rawValue
                buffer.length = buffers[index].planes[0].length
            }
        }
        try device.fd.control(.queueBuffer, &buffer)
        queued[index] = true
    }

    /// Takes the oldest filled buffer from the driver, or returns nil when
    /// none is ready (the descriptor is non-blocking). A frame whose
    /// ``CapturedFrame/hasError`` is set must still be queued again.
    /// Allocates nothing.
    ///
    /// The corresponding ioctl is `VIDIOC_DQBUF`.
    public func dequeue() throws -> CapturedFrame? {
        guard !isStopped else { throw CaptureError.streamStopped(device: device.path) }
        var buffer = v4l2_buffer()
        buffer.type = bufferType.kernelValue
        buffer.memory = memory.kernelValue
        if bufferType == .multiplanar {
            buffer.m.planes = dequeuePlanes
            buffer.length = UInt32(StreamingLimits.planeCount)
        }
        guard try device.fd.ioctl(.dequeueBuffer, &buffer) == .done else { return nil }
        let index = Int(buffer.index)
        var bytesUsed = PlaneValues()
        var dataOffsets = PlaneValues()
        switch bufferType {
        case .multiplanar:
            let count = min(Int(buffer.length), StreamingLimits.planeCount)
            for plane in 0..<count {
                bytesUsed.append(dequeuePlanes[plane].bytesused)
                dataOffsets.append(dequeuePlanes[plane].data_offset)
            }
        case .singlePlanar:
            bytesUsed.append(buffer.bytesused)
            dataOffsets.append(0)
        }
        if buffers.indices.contains(index) {
            queued[index] = false
            recordDataOffsets(dataOffsets, of: index)
        }
        return CapturedFrame(
            index: index, sequence: buffer.sequence, timestampNanoseconds: CapturedFrame.nanoseconds(from: buffer.timestamp),
            flags: buffer.flags, bytesUsed: bytesUsed, dataOffsets: dataOffsets)
    }

    /// Keeps ``CaptureBufferPlane/dataOffset`` current. Writes only when a
    /// value changed, so that a caller's copy of ``buffers`` is not copied
    /// on every frame.
    private func recordDataOffsets(_ offsets: PlaneValues, of index: Int) {
        for plane in 0..<min(offsets.count, buffers[index].planes.count)
        where buffers[index].planes[plane].dataOffset != offsets[plane] {
            buffers[index].planes[plane].dataOffset = offsets[plane]
        }
    }

    /// Stops streaming and frees the buffers: `VIDIOC_STREAMOFF`, then the
    /// stream drops its dma-buf references, then `VIDIOC_REQBUFS` with count 0.
    ///
    /// Every step runs even when an earlier one failed, and ENODEV (the device
    /// was unplugged) is not an error, so that every descriptor is closed. A
    /// dma-buf someone else still references stays open until they let go;
    /// its memory outlives the queue. Calling `stop()` again does nothing.
    public func stop() throws(DeviceError) {
        guard !isStopped else { return }
        isStopped = true
        var firstError: DeviceError?
        var type = Int32(bitPattern: bufferType.kernelValue)
        do {
            try device.fd.control(.streamOff, &type)
        } catch where !error.meansUnplugged {
            firstError = error
        } catch {}
        isStreaming = false
        for index in queued.indices { queued[index] = false }
        buffers = []
        var free = v4l2_requestbuffers()
        free.type = bufferType.kernelValue
        free.memory = memory.kernelValue
        free.count = 0
        do {
            try device.fd.control(.requestBuffers, &free)
        } catch where !error.meansUnplugged {
            if firstError == nil { firstError = error }
        } catch {}
        if let firstError { throw firstError }
    }

    // MARK: Setup steps

    /// Sets the format and checks the driver kept the fourcc and size.
    ///
    /// The corresponding ioctl is `VIDIOC_S_FMT` (and `VIDIOC_ENUM_FMT` to
    /// list the alternatives in the error).
    static func setFormat(
        on device: VideoDevice, type: CaptureBufferType, configuration: CaptureConfiguration
    ) throws -> CaptureFormat {
        var raw = v4l2_format()
        raw.type = type.kernelValue
        switch type {
        case .singlePlanar:
            raw.fmt.pix.pixelformat = configuration.fourcc.rawValue
            raw.fmt.pix.width = configuration.width
            raw.fmt.pix.height = configuration.height
            raw.fmt.pix.field = V4L2_FIELD_NONE.rawValue
        case .multiplanar:
            raw.fmt.pix_mp.pixelformat = configuration.fourcc.rawValue
            raw.fmt.pix_mp.width = configuration.width
            raw.fmt.pix_mp.height = configuration.height
            raw.fmt.pix_mp.field = V4L2_FIELD_NONE.rawValue
        }
        try device.fd.control(.setFormat, &raw)
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
        let answered = try Self.getParameters(on: device, &parameters)
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
    private static func getParameters(on device: VideoDevice, _ parameters: inout v4l2_streamparm) throws(DeviceError) -> Bool {
        do {
            try device.fd.control(.getParameters, &parameters)
            return true
        } catch where error.errno == .inappropriateIOCTLForDevice || error.errno == .invalidArgument {
            return false
        }
    }

    /// Asks the driver for `count` buffers of `memory`; returns how many it granted.
    ///
    /// The corresponding ioctl is `VIDIOC_REQBUFS`.
    static func requestBuffers(
        _ count: Int, memory: CaptureMemory, on device: VideoDevice, type: CaptureBufferType
    ) throws(DeviceError) -> Int {
        var request = v4l2_requestbuffers()
        request.type = type.kernelValue
        request.memory = memory.kernelValue
        request.count = UInt32(count)
        try device.fd.control(.requestBuffers, &request)
        return Int(request.count)
    }

    /// Frees the queue's buffers after a failed setup; errors are moot then.
    static func releaseBuffers(memory: CaptureMemory, on device: VideoDevice, type: CaptureBufferType) {
        _ = try? requestBuffers(0, memory: memory, on: device, type: type)
    }

    /// Allocates driver buffers and exports every plane as a dma-buf.
    ///
    /// The corresponding ioctls are `VIDIOC_REQBUFS`, `VIDIOC_QUERYBUF` and `VIDIOC_EXPBUF`.
    static func exportBuffers(count: Int, on device: VideoDevice, format: CaptureFormat) throws -> [CaptureBuffer] {
        let type = format.bufferType
        let granted = try requestBuffers(count, memory: .exported, on: device, type: type)
        do {
            guard granted >= 2 else {
                throw CaptureError.tooFewBuffers(device: device.path, requested: count, granted: granted)
            }
            var buffers: [CaptureBuffer] = []
            var planes = [v4l2_plane](repeating: v4l2_plane(), count: StreamingLimits.planeCount)
            for index in 0..<granted {
                var buffer = v4l2_buffer()
                buffer.index = UInt32(index)
                buffer.type = type.kernelValue
                buffer.memory = CaptureMemory.exported.kernelValue
                // (length, data offset) per memory plane.
                var layout: [(UInt32, UInt32)] = []
                switch type {
                case .multiplanar:
                    try planes.withUnsafeMutableBufferPointer { pointer throws(DeviceError) in
                        buffer.m.planes = pointer.baseAddress
                        buffer.length = UInt32(pointer.count)
                        try device.fd.control(.queryBuffer, &buffer)
                        buffer.m.planes = nil
                    }
                    let count = min(Int(buffer.length), StreamingLimits.planeCount)
                    layout = planes.prefix(count).map { ($0.length, $0.data_offset) }
                case .singlePlanar:
                    try device.fd.control(.queryBuffer, &buffer)
                    layout = [(buffer.length, 0)]
                }
                var bufferPlanes: [CaptureBufferPlane] = []
                for (plane, (length, dataOffset)) in layout.enumerated() {
                    var export = v4l2_exportbuffer()
                    export.type = type.kernelValue
                    export.index = UInt32(index)
                    export.plane = UInt32(plane)
                    export.flags = UInt32(O_RDONLY | O_CLOEXEC)
                    try device.fd.control(.exportBuffer, &export)
                    let dmabuf = DmaBuf(device.fd.derived(export.fd, path: "\(device.path) buffer \(index) plane \(plane) (dma-buf)"))
                    let bytesPerLine = plane < format.planes.count ? format.planes[plane].bytesPerLine : 0
                    bufferPlanes.append(CaptureBufferPlane(
                        dmabuf: dmabuf, length: length, bytesPerLine: bytesPerLine, dataOffset: dataOffset))
                }
                buffers.append(CaptureBuffer(index: index, planes: bufferPlanes))
            }
            return buffers
        } catch {
            // The dma-bufs exported so far close as `buffers` goes out of scope.
            releaseBuffers(memory: .exported, on: device, type: type)
            throw error
        }
    }

    /// Checks the imported dma-bufs against the format and registers them
    /// with the queue. Borrowed descriptors are duplicated here.
    ///
    /// The corresponding ioctl is `VIDIOC_REQBUFS` with `V4L2_MEMORY_DMABUF`.
    static func importBuffers(_ imports: [[ImportedPlane]], on device: VideoDevice, format: CaptureFormat) throws -> [CaptureBuffer] {
        var buffers: [CaptureBuffer] = []
        for (index, planes) in imports.enumerated() {
            guard planes.count == format.planes.count else {
                throw CaptureError.importedPlaneCountMismatch(
                    device: device.path, buffer: index, expected: format.planes.count, got: planes.count)
            }
            var bufferPlanes: [CaptureBufferPlane] = []
            for (plane, imported) in planes.enumerated() {
                guard imported.offset == 0 else {
                    throw CaptureError.importedPlaneOffsetNotSupported(
                        device: device.path, buffer: index, plane: plane, offset: imported.offset)
                }
                let needed = format.planes[plane].sizeImage
                guard imported.length >= needed else {
                    throw CaptureError.importedPlaneTooSmall(
                        device: device.path, buffer: index, plane: plane, length: imported.length, needed: needed)
                }
                let dmabuf: DmaBuf
                switch imported.source {
                case .shared(let shared): dmabuf = shared
                case .borrowed(let fd):
                    dmabuf = try DmaBuf.duplicating(fd, origin: "\(device.path) imported buffer \(index) plane \(plane) (dma-buf)", kernel: device.fd.kernel)
                }
                bufferPlanes.append(CaptureBufferPlane(
                    dmabuf: dmabuf, length: imported.length,
                    bytesPerLine: format.planes[plane].bytesPerLine, dataOffset: 0))
            }
            buffers.append(CaptureBuffer(index: index, planes: bufferPlanes))
        }
        let granted = try requestBuffers(buffers.count, memory: .imported, on: device, type: format.bufferType)
        // The driver may insist on more buffers than there are dma-bufs; the
        // extra slots are simply never queued. With fewer, the surplus
        // dma-bufs are not used.
        let usable = min(granted, buffers.count)
        guard usable >= 2 else {
            releaseBuffers(memory: .imported, on: device, type: format.bufferType)
            throw CaptureError.tooFewBuffers(device: device.path, requested: buffers.count, granted: granted)
        }
        return Array(buffers.prefix(usable))
    }
}

extension DeviceError {
    /// ENODEV (swift-system spells it `operationNotSupportedByDevice`): the
    /// device went away, e.g. a USB camera was unplugged or vivid's
    /// `disconnect` control was pressed.
    var meansUnplugged: Bool { errno == .operationNotSupportedByDevice }
}
