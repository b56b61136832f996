import KMS
import Platform
import V4L2

/// Importing the capture buffers as framebuffers, once each, at setup.
enum FramebufferImport {
    /// Makes a framebuffer of capture buffer `index`: its dma-bufs become
    /// GEM handles and the colour planes of `format` are laid over them
    /// (which dma-buf, offset, pitch). The frame path then only names
    /// framebuffer ids.
    ///
    /// The corresponding calls are `drmPrimeFDToHandle` and `drmModeAddFB2`.
    static func make(of stream: CaptureStream, buffer index: Int, into display: Display, format: PixelFormat) throws -> FramebufferID {
        let buffer = stream.buffers[index]
        guard let planes = colourPlaneLocations(
            of: format, height: stream.format.height, memoryPlanes: stream.format.planes,
            dataOffsets: buffer.planes.map(\.dataOffset))
        else { throw PipelineError.inconsistentPlanes(device: stream.device.path, format: format.description) }
        let layout = FramebufferLayout(
            width: Int(stream.format.width), height: Int(stream.format.height), format: format.drm,
            planes: planes.map {
                FramebufferPlane(dmaBufDescriptor: buffer.planes[$0.memoryPlane].dmabuf.rawValue, offset: $0.offset, pitch: $0.pitch)
            })
        return try display.importFramebuffer(layout)
    }
}
