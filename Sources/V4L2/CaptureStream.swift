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
package final class CaptureStream {
    private static let logger = Logger(label: "framepipe.v4l2")

    /// The device the stream captures from; kept open while the stream lives.
    package let device: VideoDevice
    /// The format the driver agreed to.
    package let format: CaptureFormat
    /// Who allocated the buffers.
    package let memory: CaptureMemory
    /// The frame interval the driver chose (seconds per frame), nil when the
    /// driver cannot report one.
    package let frameInterval: Fraction?
    /// The buffers, in index order, each with one dma-buf per memory plane.
    /// Empty after ``stop()``.
    package private(set) var buffers: [CaptureBuffer]
    /// True between ``start()`` and ``stop()``.
    package private(set) var isStreaming = false
    /// True once ``stop()`` ran; the stream cannot be started again.
    package private(set) var isStopped = false
    /// The controls the configuration set, as they were before (put back at ``stop()``).
    private var controlsFound = ControlValues(values: [])

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
    package var fileDescriptor: Int32 { device.fd.rawValue }

    /// The buffer type, single-planar or multiplanar.
    package var bufferType: CaptureBufferType { format.bufferType }

    /// How many buffers the driver holds right now.
    package var queuedBufferCount: Int { queued.reduce(0) { $0 + ($1 ? 1 : 0) } }

    /// Whether the driver holds buffer `index` (it was queued and not yet
    /// dequeued).
    package func isQueued(index: Int) -> Bool { queued.indices.contains(index) && queued[index] }

    /// Sets up a stream whose buffers the driver allocates and framepipe
    /// exports as dma-bufs (read-only, close-on-exec: the display only reads).
    ///
    /// Steps: `VIDIOC_S_FMT` (the driver must keep the fourcc and size),
    /// `VIDIOC_S_PARM` when a frame interval is given, `VIDIOC_S_EXT_CTRLS`
    /// for the controls, `VIDIOC_REQBUFS` with `V4L2_MEMORY_MMAP`, then
    /// `VIDIOC_QUERYBUF` and `VIDIOC_EXPBUF` for every buffer and plane.
    package convenience init(device: VideoDevice, configuration: CaptureConfiguration) throws {
        try self.init(device: device, configuration: configuration, imports: nil)
    }

    /// Sets up a stream that captures into dma-bufs someone else allocated:
    /// one inner array per buffer, one ``ImportedPlane`` per memory plane of
    /// the negotiated format. `configuration.bufferCount` is ignored.
    ///
    /// Steps as for the exporting initializer, but `VIDIOC_REQBUFS` with
    /// `V4L2_MEMORY_DMABUF`; the dma-bufs are passed with every `VIDIOC_QBUF`.
    package convenience init(device: VideoDevice, configuration: CaptureConfiguration, importing planes: [[ImportedPlane]]) throws {
        try self.init(device: device, configuration: configuration, imports: planes)
    }

    private init(device: VideoDevice, configuration: CaptureConfiguration, imports: [[ImportedPlane]]?) throws {
        let type = try device.requireCapture()
        let requestedCount = imports?.count ?? configuration.bufferCount
        if let imports, imports.isEmpty { throw CaptureError.noImportedBuffers(device: device.path) }
        guard (2...StreamingLimits.bufferCount).contains(requestedCount) else {
            throw CaptureError.invalidBufferCount(device: device.path, requested: requestedCount)
        }
        let format = try CaptureNegotiation.setFormat(on: device, type: type, configuration: configuration)
        let interval = try CaptureNegotiation.setFrameInterval(on: device, type: type, requested: configuration.frameInterval)
        controlsFound = try device.controls.set(configuration.controls)
        let buffers: [CaptureBuffer]
        if let imports {
            buffers = try CaptureBufferAllocation.importBuffers(imports, on: device, format: format)
        } else {
            buffers = try CaptureBufferAllocation.exportBuffers(count: requestedCount, on: device, format: format)
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
    package func start() throws {
        guard !isStopped else { throw CaptureError.streamStopped(device: device.path) }
        guard !isStreaming else { return }
        try queueAllBuffers()
        var type = Int32(bitPattern: bufferType.kernelValue)
        try device.fd.control(.streamOn, &type)
        isStreaming = true
    }

    /// Hands the driver every buffer it does not hold yet, without starting
    /// to stream. For imported buffers this is where a driver that took the
    /// dma-bufs at `VIDIOC_REQBUFS` may still refuse them (a memory it
    /// cannot capture into), so a setup that calls it learns that before
    /// anything is shown. ``start()`` calls it too.
    ///
    /// The corresponding ioctl is `VIDIOC_QBUF`.
    package func queueAllBuffers() throws {
        guard !isStopped else { throw CaptureError.streamStopped(device: device.path) }
        for index in buffers.indices where !queued[index] {
            try queue(index: index)
        }
    }

    /// Gives buffer `index` back to the driver to be filled again. Call it
    /// only when nobody reads the buffer any more (for a displayed frame: when
    /// the next frame is on screen). Allocates nothing.
    ///
    /// The corresponding ioctl is `VIDIOC_QBUF`.
    package func queue(index: Int) throws {
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
    package func dequeue() throws -> CapturedFrame? {
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
        }
        return CapturedFrame(
            index: index, sequence: buffer.sequence, timestampNanoseconds: CapturedFrame.nanoseconds(from: buffer.timestamp),
            flags: buffer.flags, bytesUsed: bytesUsed, dataOffsets: dataOffsets)
    }

    /// Stops streaming and frees the buffers: `VIDIOC_STREAMOFF`, then the
    /// stream drops its dma-buf references, then `VIDIOC_REQBUFS` with count 0.
    ///
    /// Every step runs even when an earlier one failed, and ENODEV (the device
    /// was unplugged) is not an error, so that every descriptor is closed. A
    /// dma-buf someone else still references stays open until they let go;
    /// its memory outlives the queue. Calling `stop()` again does nothing.
    package func stop() throws(DeviceError) {
        guard !isStopped else { return }
        isStopped = true
        var firstError: DeviceError?
        var unplugged = false
        // The controls go back as found, unless the camera is gone (a new
        // node comes up with the driver's defaults).
        defer { if !unplugged { controlsFound.restore(on: device) } }
        var type = Int32(bitPattern: bufferType.kernelValue)
        do {
            try device.fd.control(.streamOff, &type)
        } catch where !error.meansUnplugged {
            firstError = error
        } catch {
            unplugged = true
        }
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
}
