/// What an embedder sets before starting: callbacks and limits.
extension FramePipeline {
    /// Called on the pipeline queue with each camera frame's record once its
    /// fate is known (its ``FrameRecord/source`` says which camera): shown
    /// (at its flip), superseded, flagged bad, dropped by the camera,
    /// dropped to catch up, or in flight at the end. Set before starting.
    public var onFrame: ((FrameRecord) -> Void)? {
        get { callbacks.frame }
        set { callbacks.frame = newValue }
    }

    /// Called about twice a second on the pipeline queue with each source's
    /// counters and the seconds streamed so far. Set before starting.
    public var onStatus: (([PipelineStatistics], Double) -> Void)? {
        get { callbacks.status }
        set { callbacks.status = newValue }
    }

    /// Called on the pipeline queue when a source's camera went away and
    /// the run waits for it (``PipelineConfiguration/reconnect``), with the
    /// source's position and the camera's path; its last frame stays on
    /// screen and the other sources go on. Set before starting.
    public var onCameraAway: ((Int, String) -> Void)? {
        get { callbacks.cameraAway }
        set { callbacks.cameraAway = newValue }
    }

    /// Called on the pipeline queue when a source's camera is back and
    /// streaming, with its position and the path it came back at.
    public var onCameraBack: ((Int, String) -> Void)? {
        get { callbacks.cameraBack }
        set { callbacks.cameraBack = newValue }
    }

    /// Called on the pipeline queue when a source is lost and the others
    /// go on (`onSourceLoss: continue`), with its position and the error.
    public var onSourceLost: ((Int, any Error) -> Void)? {
        get { callbacks.sourceLost }
        set { callbacks.sourceLost = newValue }
    }

    /// How long a source may deliver nothing before it counts as failed, in seconds.
    public var cameraTimeout: Double {
        get { limits.cameraTimeout }
        set { limits.cameraTimeout = newValue }
    }

    /// How long a flip may take before the run fails, in seconds.
    public var flipTimeout: Double {
        get { limits.flipTimeout }
        set { limits.flipTimeout = newValue }
    }

    /// How long before each vblank the frames of several sources are
    /// committed, in milliseconds, so that cameras whose frames arrive a
    /// little apart share one vblank; nil commits each frame as it comes
    /// (it then makes the next vblank, and a frame of another camera
    /// arriving just after it waits for that flip). With one source frames
    /// are always committed as they come. Set before starting.
    public var commitLeadMilliseconds: Double? {
        get { limits.commitLeadMilliseconds }
        set { limits.commitLeadMilliseconds = newValue }
    }
}
