import Dispatch
import KMS
import Platform
import V4L2

/// What was set up, and the scheduler that runs it.
extension FramePipeline {
    /// The format the camera agreed to.
    public var captureFormat: CaptureFormat { stream.format }
    /// The display's connector, mode, CRTC, plane candidates and layout.
    public var displayPlan: DisplayPlan { display.plan }
    /// The camera's device node.
    public var cameraPath: String { stream.device.path }
    /// The display's card.
    public var cardPath: String { display.card.path }

    /// The counters as of the last event handled. Safe from any thread.
    public var statistics: PipelineStatistics { published.withLock { $0 } }

    /// What the copy path did so far (nil for zero-copy). Read it on the
    /// pipeline queue, or after the run.
    public var copyStatistics: CopyStatistics? { converting?.statistics }

    /// Routes the current scheduler's frame records to ``onFrame`` and, on
    /// the copy path, each converted frame to the scheduler (at setup, and
    /// for the scheduler of a camera that came back).
    func connectScheduler() {
        scheduler.onFrame = { [unowned self] record in self.frameCompleted(record) }
        converting?.onConverted = { [unowned self] in self.step { try self.scheduler.cameraReadable() } }
    }

    /// The scheduler for `allocation`: over the camera's own buffers
    /// (zero-copy), or over the display's buffers that a
    /// ``ConvertingCamera`` fills from the camera's (the copy path).
    static func makeScheduler(
        allocation: FrameAllocation, display: Display, queue: DispatchQueue
    ) -> (Scheduler, ConvertingCamera?) {
        let refreshHz = display.plan.mode.refreshRate
        let period = refreshHz > 0 ? Int64(1e9 / refreshHz) : 16_666_667
        let stage = DisplayStage(display: display, framebuffers: allocation.framebuffers)
        guard let copy = allocation.copy else {
            let scheduler = Scheduler(
                bufferCount: allocation.stream.buffers.count, camera: CameraStage(stream: allocation.stream), display: stage,
                refreshPeriodNanoseconds: period)
            return (scheduler, nil)
        }
        let converting = ConvertingCamera(
            camera: CameraStage(stream: allocation.stream), sourceMemory: copy.sources, sourceDmaBufs: copy.sourceDmaBufs,
            displayMemory: copy.targets,
            converter: copy.converter, pipelineQueue: queue)
        let scheduler = Scheduler(bufferCount: allocation.framebuffers.count, camera: converting, display: stage, refreshPeriodNanoseconds: period)
        return (scheduler, converting)
    }
}
