import Platform
import V4L2

/// The camera as the scheduler sees it: the capture stream, plus the one
/// check that ties a frame to its framebuffer. Each buffer was imported as
/// a framebuffer with the `data_offset` `VIDIOC_QUERYBUF` reported; a frame
/// that the driver says starts elsewhere would be shown shifted, so it ends
/// the run with a clear error rather than reaching the screen.
final class CameraStage: CameraQueue {
    let stream: CaptureStream

    init(stream: CaptureStream) {
        self.stream = stream
    }

    func dequeue() throws -> CapturedFrame? {
        guard let frame = try stream.dequeue() else { return nil }
        guard stream.buffers.indices.contains(frame.index) else { return frame }
        let planes = stream.buffers[frame.index].planes
        for plane in 0..<min(planes.count, frame.dataOffsets.count) where planes[plane].dataOffset != frame.dataOffsets[plane] {
            throw PipelineError.dataOffsetChanged(
                device: stream.device.path, index: frame.index,
                imported: planes.map(\.dataOffset), reported: Array(frame.dataOffsets))
        }
        return frame
    }

    func queue(_ index: BufferIndex) throws {
        try stream.queue(index: index.rawValue)
    }
}
