import CV4L2
import Platform

#if canImport(Glibc)
import Glibc
#endif

/// A capture stream's buffers: allocated by the driver and exported as
/// dma-bufs, or imported from dma-bufs someone else allocated (display
/// dumb buffers, a dma-heap); on any failure the queue is left empty and
/// every descriptor taken is closed.
enum CaptureBufferAllocation {

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
