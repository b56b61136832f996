import Dispatch
import KMS
import Platform
import V4L2

/// The device side of one source while its pipeline runs: the capture
/// stream and the buffers chosen for it (``FrameAllocation``), the copy
/// path's converter, the source's watchdog and latency histogram, and what
/// became of its camera (away and waited for, or lost). The pipeline's
/// queue owns it; the scheduler's lane at the same position holds the
/// buffers' state.
final class SourceRun {
    /// The source's position in the pipeline (its lane and its layer).
    let index: Int
    /// How it was set up.
    let setup: PipelineSource
    /// The chosen buffers (and, for display memory, the dumb buffers behind them).
    private(set) var allocation: FrameAllocation
    /// The copy path's converting camera (nil for zero-copy).
    private(set) var converting: ConvertingCamera?
    var watchdog = Watchdog()
    var latency = LatencyHistogram()
    /// While the camera is away and the run waits for it (reconnect).
    var away: CameraAway?
    /// The cameras before this one: their framebuffers and buffers, kept
    /// until the frame they left on screen was replaced.
    private(set) var previous: [FrameAllocation] = []
    /// Why the source was lost (`onSourceLoss: continue`), if it was.
    var lost: String?
    /// Whether a lost source's framebuffers were removed already.
    var framebuffersRemoved = false
    /// Whether it showed the frames the run asked for (others may go on).
    var reachedLimit = false
    /// How many buffers the lane cycles: the camera's, or on the copy path
    /// the display buffers the converter fills (counted when the buffers
    /// were set up: the stream forgets its buffers when it stops).
    private(set) var bufferCount: Int

    init(index: Int, setup: PipelineSource, allocation: FrameAllocation) {
        self.index = index
        self.setup = setup
        self.allocation = allocation
        bufferCount = Self.bufferCount(of: allocation)
    }

    private static func bufferCount(of allocation: FrameAllocation) -> Int {
        allocation.copy == nil ? allocation.stream.buffers.count : allocation.framebuffers.count
    }

    /// The capture stream of the current camera.
    var stream: CaptureStream { allocation.stream }
    /// The framebuffer of each buffer the scheduler's lane names, by index.
    var framebuffers: [FramebufferID] { allocation.framebuffers }
    /// The camera's node (the one it came back at, after a reconnect).
    var cameraPath: String { stream.device.path }

    /// The camera as the scheduler's lane sees it: the stream, or on the
    /// copy path the converter filling display buffers from it (the
    /// counters of a converter before it carried on).
    func makeCameraQueue(queue: DispatchQueue) -> any CameraQueue {
        let camera = CameraStage(stream: allocation.stream)
        guard let copy = allocation.copy else {
            converting = nil
            return camera
        }
        let carried = converting?.statistics
        let made = ConvertingCamera(
            camera: camera, sourceMemory: copy.sources, sourceDmaBufs: copy.sourceDmaBufs, displayMemory: copy.targets,
            converter: copy.converter, pipelineQueue: queue)
        // Every frame shown is a converted one: the count goes on across returns.
        if let carried { made.statistics = carried }
        converting = made
        return made
    }

    /// A camera that came back: `fresh` replaces the current allocation,
    /// which is kept with the ones before it until its frame left the screen.
    func replaceAllocation(with fresh: FrameAllocation) {
        previous.append(allocation)
        allocation = fresh
        bufferCount = Self.bufferCount(of: fresh)
    }

    /// The previous cameras' frames are off the screen: their framebuffers
    /// and buffers go.
    func releasePrevious() {
        for old in previous { old.release() }
        previous.removeAll()
    }

    /// The copy path's counters (nil for zero-copy).
    var copyStatistics: CopyStatistics? { converting?.statistics }

    /// "YUYV 640x480 → XRGB8888 (libyuv)" on the copy path.
    var copyPath: String? {
        guard case .copy(let format) = setup.candidate.memory else { return nil }
        let scaled = setup.candidate.copyLayout.map { " scaled to \($0.targetDescription)" } ?? ""
        return "\(format.rawValue) \(stream.format.width)x\(stream.format.height) → XRGB8888\(scaled) (libyuv)"
    }
}

/// A camera that went away while ``PipelineConfiguration/reconnect`` is on:
/// where it was, so that the same camera is recognised when it comes back.
struct CameraAway {
    /// The node it streamed from.
    let path: String
    /// `VIDIOC_QUERYCAP`'s bus_info: a replugged camera keeps it, whichever
    /// /dev/videoN it gets.
    let busInfo: String
    /// When it went (CLOCK_MONOTONIC).
    let since: Int64
}
