import KMS
import Platform
import V4L2

/// Importing the capture buffers as framebuffers, once each, at setup.
extension FramePipeline {
    /// Makes one framebuffer of each capture buffer: its dma-bufs become GEM
    /// handles and the colour planes of `format` are laid over them (which
    /// dma-buf, offset, pitch). The frame path then only names framebuffer ids.
    ///
    /// The corresponding calls are `drmPrimeFDToHandle` and `drmModeAddFB2`.
    static func importFramebuffers(of stream: CaptureStream, into display: Display, format: PixelFormat) throws -> [FramebufferID] {
        var imported: [FramebufferID] = []
        for buffer in stream.buffers {
            guard let planes = colourPlaneLocations(
                of: format, height: stream.format.height, memoryPlanes: stream.format.planes,
                dataOffsets: buffer.planes.map(\.dataOffset))
            else { throw PipelineError.inconsistentPlanes(device: stream.device.path, format: format.description) }
            let layout = FramebufferLayout(
                width: Int(stream.format.width), height: Int(stream.format.height), format: format.drm,
                planes: planes.map {
                    FramebufferPlane(dmaBufDescriptor: buffer.planes[$0.memoryPlane].dmabuf.rawValue, offset: $0.offset, pitch: $0.pitch)
                })
            imported.append(try display.importFramebuffer(layout))
        }
        return imported
    }
}
