import KMS
import Platform
import V4L2

#if canImport(Glibc)
import Glibc
#endif

/// The frame buffers of one allocator and format while setup tries them:
/// the capture stream, the framebuffers the display made of its buffers,
/// and (for display memory) the dumb buffers behind both. It is kept by the
/// pipeline when a candidate of its group is chosen, else released before
/// the next group is allocated.
package final class FrameAllocation {
    package let memory: FrameMemory
    package let pixelFormat: PixelFormat
    package let stream: CaptureStream
    /// The framebuffer of each capture buffer imported so far, by index
    /// (camera memory imports the first one only until ``completeImports()``).
    package private(set) var framebuffers: [FramebufferID]
    private let display: Display
    /// Display memory: the buffers themselves; freed after the stream and
    /// the framebuffers let go of them.
    private let dumbBuffers: [DumbBuffer]
    /// The copy path's mapped memory and converter (nil for zero-copy).
    package let copy: CopyBuffers?

    init(memory: FrameMemory, pixelFormat: PixelFormat, stream: CaptureStream, framebuffers: [FramebufferID],
         display: Display, dumbBuffers: [DumbBuffer] = [], copy: CopyBuffers? = nil) {
        self.memory = memory
        self.pixelFormat = pixelFormat
        self.stream = stream
        self.framebuffers = framebuffers
        self.display = display
        self.dumbBuffers = dumbBuffers
        self.copy = copy
    }

    /// Allocates buffers for `candidate`'s memory and format and proves both
    /// devices take them: the display imports (the first, for camera
    /// memory) and the camera queues (imported memory). Whatever was made
    /// is released again when this throws.
    package static func make(
        for candidate: PipelineCandidate, device: VideoDevice, display: Display, kernel: any KernelInterface
    ) throws -> FrameAllocation {
        switch candidate.memory {
        case .camera: return try cameraMemory(candidate, device: device, display: display)
        case .display: return try displayMemory(candidate, device: device, display: display)
        case .heap(let name): return try heapMemory(candidate, heap: name, device: device, display: display, kernel: kernel)
        case .copy(let format): return try copyMemory(candidate, format: format, device: device, display: display, kernel: kernel)
        }
    }

    /// The camera allocates and exports; the display imports the first
    /// buffer. When it refuses, and the display's own buffers of this size
    /// have another stride, the camera is asked for that stride
    /// (`bytesperline`) and the import tried again.
    private static func cameraMemory(_ candidate: PipelineCandidate, device: VideoDevice, display: Display) throws -> FrameAllocation {
        var capture = candidate.capture
        var stream = try CaptureStream(device: device, configuration: capture)
        do {
            let first = try FramebufferImport.make(of: stream, buffer: 0, into: display, format: candidate.pixelFormat)
            return FrameAllocation(memory: .camera, pixelFormat: candidate.pixelFormat, stream: stream, framebuffers: [first], display: display)
        } catch let refusal as DeviceError where [EINVAL, ERANGE].contains(refusal.errnoCode) {
            let bitsPerPixel = Int(candidate.pixelFormat.bytesPerPixelInFirstPlane * 8)
            let probe = try display.card.createDumbBuffer(
                width: Int(capture.width), height: Int(capture.height), bitsPerPixel: max(8, bitsPerPixel))
            guard candidate.pixelFormat.layout.planeCount == 1, UInt32(probe.pitch) != stream.format.planes[0].bytesPerLine else {
                throw refusal
            }
            try stream.stop()
            capture.bytesPerLine = UInt32(probe.pitch)
            stream = try CaptureStream(device: device, configuration: capture)
            guard stream.format.planes[0].bytesPerLine == UInt32(probe.pitch) else {
                throw PlanRefusal("\(refusal.call) refused a stride of the camera's; asked for the display's \(probe.pitch) bytes per line, the camera chose \(stream.format.planes[0].bytesPerLine)")
            }
            let first = try FramebufferImport.make(of: stream, buffer: 0, into: display, format: candidate.pixelFormat)
            return FrameAllocation(memory: .camera, pixelFormat: candidate.pixelFormat, stream: stream, framebuffers: [first], display: display)
        }
    }

    /// The display allocates dumb buffers and exports them; the camera
    /// imports them at the display's stride and must queue every one.
    private static func displayMemory(_ candidate: PipelineCandidate, device: VideoDevice, display: Display) throws -> FrameAllocation {
        var capture = candidate.capture
        let bitsPerPixel = Int(candidate.pixelFormat.bytesPerPixelInFirstPlane * 8)
        let dumbBuffers = try (0..<capture.bufferCount).map { _ in
            try display.card.createDumbBuffer(width: Int(capture.width), height: Int(capture.height), bitsPerPixel: bitsPerPixel)
        }
        let pitch = UInt32(dumbBuffers[0].pitch)
        capture.bytesPerLine = pitch
        let planes = try dumbBuffers.map { buffer in
            [ImportedPlane(dmabuf: DmaBuf(try buffer.exportDmaBuf()), length: UInt32(buffer.size))]
        }
        let stream = try CaptureStream(device: device, configuration: capture, importing: planes)
        guard stream.format.planes[0].bytesPerLine == pitch else {
            try? stream.stop()
            throw PlanRefusal("the display's buffers have \(pitch) bytes per line; the camera uses \(stream.format.planes[0].bytesPerLine)")
        }
        do {
            try stream.queueAllBuffers()
            let framebuffers = try dumbBuffers.prefix(stream.buffers.count).map {
                try display.adopt(try $0.addFramebuffer(format: candidate.pixelFormat.drm))
            }
            return FrameAllocation(memory: .display, pixelFormat: candidate.pixelFormat, stream: stream, framebuffers: framebuffers,
                                   display: display, dumbBuffers: dumbBuffers)
        } catch {
            try? stream.stop()
            throw error
        }
    }

    /// A heap allocates; the camera imports and queues every buffer, the
    /// display imports every buffer.
    private static func heapMemory(
        _ candidate: PipelineCandidate, heap name: String, device: VideoDevice, display: Display, kernel: any KernelInterface
    ) throws -> FrameAllocation {
        let heap = try DmaHeap.open(named: name, kernel: kernel)
        let format = try device.tryFormat(candidate.capture)
        let planes = try (0..<candidate.capture.bufferCount).map { index in
            try format.planes.enumerated().map { plane, layout in
                ImportedPlane(dmabuf: try heap.allocate(length: Int(layout.sizeImage), label: "buffer \(index) plane \(plane)"),
                              length: layout.sizeImage)
            }
        }
        let stream = try CaptureStream(device: device, configuration: candidate.capture, importing: planes)
        var framebuffers: [FramebufferID] = []
        do {
            try stream.queueAllBuffers()
            for index in stream.buffers.indices {
                framebuffers.append(try FramebufferImport.make(of: stream, buffer: index, into: display, format: candidate.pixelFormat))
            }
        } catch {
            for framebuffer in framebuffers { try? display.removeFramebuffer(framebuffer) }
            try? stream.stop()
            throw error
        }
        return FrameAllocation(memory: .heap(name), pixelFormat: candidate.pixelFormat, stream: stream, framebuffers: framebuffers, display: display)
    }

    /// Imports the buffers not imported yet (camera memory imports one to
    /// test with), once a candidate of this allocation was chosen.
    package func completeImports() throws {
        guard copy == nil else { return }  // the copy path's framebuffers are all made at once
        for index in framebuffers.count..<stream.buffers.count {
            framebuffers.append(try FramebufferImport.make(of: stream, buffer: index, into: display, format: pixelFormat))
        }
    }

    /// Removes every framebuffer but `kept` (a camera that went away: the
    /// frame it left on screen stays, with its memory, until replaced).
    /// The ones removed are forgotten: a framebuffer id is never removed
    /// twice (the kernel may give it to a new framebuffer meanwhile).
    package func removeFramebuffers(keeping kept: [FramebufferID]) {
        for framebuffer in framebuffers where !kept.contains(framebuffer) { try? display.removeFramebuffer(framebuffer) }
        framebuffers.removeAll { !kept.contains($0) }
    }

    /// Gives everything back after its candidates were refused: the
    /// framebuffers, then the stream's buffers; dumb buffers go with self.
    package func release() {
        for framebuffer in framebuffers { try? display.removeFramebuffer(framebuffer) }
        framebuffers.removeAll()
        try? stream.stop()
    }
}

/// A candidate group that setup gave up on for a reason no call reports.
struct PlanRefusal: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
