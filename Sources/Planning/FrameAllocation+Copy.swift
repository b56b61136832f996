import Conversion
import KMS
import Platform
import V4L2

#if canImport(Glibc)
import Glibc
#endif

/// The copy path's memory, mapped once at setup: the camera's buffers
/// (its MMAP buffers, through their exported dma-bufs, read-only) and the
/// display's dumb buffers, with the converter between them.
package final class CopyBuffers {
    /// Each camera buffer's frame, by camera buffer index.
    package let sources: [UnsafeRawBufferPointer]
    /// Each display buffer's pixels and bytes per line, by display buffer index.
    package let targets: [(base: UnsafeMutableRawPointer, stride: Int)]
    /// Camera format and size to XRGB8888 of the display buffers' size.
    package let converter: FrameConverter
    /// Each camera buffer's dma-buf (its reads are bracketed with
    /// DMA_BUF_IOCTL_SYNC), by camera buffer index.
    package let sourceDmaBufs: [DmaBuf]
    private let mappings: [(address: UnsafeMutableRawPointer, length: Int)]
    private let kernel: any KernelInterface

    init(sources: [UnsafeRawBufferPointer], sourceDmaBufs: [DmaBuf], mappings: [(address: UnsafeMutableRawPointer, length: Int)],
         targets: [(base: UnsafeMutableRawPointer, stride: Int)], converter: FrameConverter, kernel: any KernelInterface) {
        self.sources = sources
        self.sourceDmaBufs = sourceDmaBufs
        self.mappings = mappings
        self.targets = targets
        self.converter = converter
        self.kernel = kernel
    }

    deinit {
        for mapping in mappings { _ = kernel.munmap(mapping.address, mapping.length, backend: .system) }
    }
}

extension FrameAllocation {
    /// Display buffers on the copy path: one on screen, one committed, one
    /// converted and waiting, one being written.
    static let copyDisplayBuffers = 4

    /// The camera allocates (MMAP) and exports its buffers, which are
    /// mapped read-only; the display allocates XRGB8888 dumb buffers of the
    /// frame's size, mapped once and each made a framebuffer.
    static func copyMemory(
        _ candidate: PipelineCandidate, format: ConvertibleFormat, device: VideoDevice, display: Display, kernel: any KernelInterface
    ) throws -> FrameAllocation {
        let stream = try CaptureStream(device: device, configuration: candidate.capture)
        var mappings: [(address: UnsafeMutableRawPointer, length: Int)] = []
        do {
            guard stream.format.planes.count == 1 else {
                throw PlanRefusal("the copy path reads one-plane frames; \(format.rawValue) came in \(stream.format.planes.count) planes")
            }
            let width = Int(stream.format.width), height = Int(stream.format.height)
            let layout = candidate.copyLayout
                ?? CopyLayout(bufferWidth: width, bufferHeight: height, target: PixelRectangle(x: 0, y: 0, width: width, height: height))
            let converter = try FrameConverter(
                format: format, width: width, height: height, bytesPerLine: Int(stream.format.planes[0].bytesPerLine),
                outputWidth: layout.target.width, outputHeight: layout.target.height)
            var sources: [UnsafeRawBufferPointer] = []
            for buffer in stream.buffers {
                let plane = buffer.planes[0]
                let length = Int(plane.length)
                guard let address = kernel.mmap(length, PROT_READ, MAP_SHARED, plane.dmabuf.fd.rawValue, 0, backend: .system) else {
                    throw DeviceError(call: "mmap", errnoCode: errno, device: device.path)
                }
                mappings.append((address, length))
                let offset = min(Int(plane.dataOffset), length)
                sources.append(UnsafeRawBufferPointer(start: address + offset, count: length - offset))
            }
            let dumb = try (0..<copyDisplayBuffers).map { _ in
                try display.card.createDumbBuffer(width: layout.bufferWidth, height: layout.bufferHeight, bitsPerPixel: 32)
            }
            var targets: [(base: UnsafeMutableRawPointer, stride: Int)] = []
            for buffer in dumb {
                guard let base = try buffer.mappedBytes().baseAddress else {
                    throw PlanRefusal("a display buffer of \(layout.bufferWidth)x\(layout.bufferHeight) mapped to nothing")
                }
                // The frame goes into its rectangle; the kernel zero-filled
                // the rest (black), and nothing writes there.
                targets.append((base + layout.target.y * buffer.pitch + layout.target.x * 4, buffer.pitch))
            }
            var framebuffers: [FramebufferID] = []
            do {
                for buffer in dumb { framebuffers.append(try display.adopt(try buffer.addFramebuffer(format: candidate.pixelFormat.drm))) }
            } catch {
                for framebuffer in framebuffers { try? display.removeFramebuffer(framebuffer) }
                throw error
            }
            let copy = CopyBuffers(
                sources: sources, sourceDmaBufs: stream.buffers.map { $0.planes[0].dmabuf }, mappings: mappings, targets: targets,
                converter: converter, kernel: kernel)
            mappings = []
            return FrameAllocation(memory: .copy(format), pixelFormat: candidate.pixelFormat, stream: stream, framebuffers: framebuffers,
                                   display: display, dumbBuffers: dumb, copy: copy)
        } catch {
            for mapping in mappings { _ = kernel.munmap(mapping.address, mapping.length, backend: .system) }
            try? stream.stop()
            throw error
        }
    }
}
