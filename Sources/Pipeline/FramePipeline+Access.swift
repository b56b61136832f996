import Dispatch
import KMS
import V4L2

/// What an embedder sets before starting: callbacks and limits.
extension FramePipeline {
    /// Called on the pipeline queue with each camera frame's record once its
    /// fate is known (its ``FrameRecord/source`` says which camera): shown
    /// (at its flip), superseded, flagged bad, dropped by the camera,
    /// dropped to catch up, or in flight at the end. Set before starting.
    public var onFrame: ((FrameRecord) -> Void)? {
        get { runtime.callbacks.frame }
        set { runtime.callbacks.frame = newValue }
    }

    /// Called about twice a second on the pipeline queue with each source's
    /// counters and how long it has streamed so far. Set before starting.
    public var onStatus: (([PipelineStatistics], Duration) -> Void)? {
        get { runtime.callbacks.status }
        set { runtime.callbacks.status = newValue }
    }

    /// Called on the pipeline queue when a source's camera went away and
    /// the run waits for it (``PipelineConfiguration/reconnect``), with the
    /// source's position and the camera's path; its last frame stays on
    /// screen and the other sources go on. Set before starting.
    public var onCameraAway: ((Int, String) -> Void)? {
        get { runtime.callbacks.cameraAway }
        set { runtime.callbacks.cameraAway = newValue }
    }

    /// Called on the pipeline queue when a source's camera is back and
    /// streaming, with its position and the path it came back at.
    public var onCameraBack: ((Int, String) -> Void)? {
        get { runtime.callbacks.cameraBack }
        set { runtime.callbacks.cameraBack = newValue }
    }

    /// Called on the pipeline queue when a source is lost and the others
    /// go on (`onSourceLoss: continue`), with its position and the error.
    public var onSourceLost: ((Int, any Error) -> Void)? {
        get { runtime.callbacks.sourceLost }
        set { runtime.callbacks.sourceLost = newValue }
    }

    /// How long a source may deliver nothing before it counts as failed
    /// (default 3 s; kept to whole nanoseconds). Set before starting.
    public var cameraTimeout: Duration {
        get { .nanoseconds(runtime.limits.cameraTimeoutNanoseconds) }
        set { runtime.limits.cameraTimeoutNanoseconds = newValue.inNanoseconds }
    }

    /// How long a flip may take before the run fails (default 1 s; kept to
    /// whole nanoseconds). Set before starting.
    public var flipTimeout: Duration {
        get { .nanoseconds(runtime.limits.flipTimeoutNanoseconds) }
        set { runtime.limits.flipTimeoutNanoseconds = newValue.inNanoseconds }
    }

    /// How long before each vblank the frames of several sources are
    /// committed, so that cameras whose frames arrive a little apart share
    /// one vblank: learned per camera by default (``CommitLead``). With
    /// one source frames are always committed as they come. Set before
    /// starting.
    public var commitLead: CommitLead {
        get { runtime.limits.commitLead }
        set { runtime.limits.commitLead = newValue }
    }
}

/// What tests look at and do while a pipeline runs (package access).
extension FramePipeline {
    /// The display stage.
    package var display: Display { runtime.display }
    /// The scheduler: a lane per source.
    package var scheduler: Scheduler { runtime.scheduler }

    /// Runs `body` on the pipeline queue and returns its result (for tests
    /// that look at or freeze the pipeline while it runs).
    package func onQueue<Result>(_ body: () throws -> Result) rethrows -> Result {
        try runtime.queue.sync(execute: body)
    }

    /// Whether some source's camera is away and the run waits for it.
    package var isWaitingForCamera: Bool { runtime.runs.contains { $0.away != nil } }

    /// While set, a camera that went away is not looked for (tests that
    /// unload and reload its driver first). Use on the pipeline queue.
    package var cameraSearchPaused: Bool {
        get { runtime.run.cameraSearchPaused }
        set { runtime.run.cameraSearchPaused = newValue }
    }

    /// The composed screen as it is now, read back through the writeback
    /// connector, whether or not the cameras are there.
    package func captureScreenNow() throws -> WritebackSnapshot {
        dispatchPrecondition(condition: .onQueue(runtime.queue))
        return try runtime.display.captureWriteback()
    }

    /// ``PipelineRuntime/withFramesOnScreen(_:)``: each source's buffer on
    /// screen, kept there while `body` runs. Call from `beforeTeardown`.
    package func withFramesOnScreen<Result>(_ body: ([BufferIndex?]) throws -> Result) throws -> Result {
        try runtime.withFramesOnScreen(body)
    }

    /// The dma-buf descriptors of source `source`'s capture buffer `index`,
    /// for tests that compare the screen with the camera's memory (the
    /// pipeline itself never maps them).
    package func dmaBufDescriptors(of index: BufferIndex, source: Int = 0) -> [Int32] {
        runtime.runs[source].stream.buffers[index.rawValue].planes.map(\.dmabuf.rawValue)
    }

    /// The capture stream of source `source`.
    package func stream(of source: Int = 0) -> CaptureStream { runtime.runs[source].stream }
}
