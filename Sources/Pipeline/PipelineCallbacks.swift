/// What an embedder is told while a pipeline runs (each on the pipeline's
/// queue; set before starting).
struct PipelineCallbacks {
    var frame: ((FrameRecord) -> Void)?
    var status: (([PipelineStatistics], Double) -> Void)?
    var cameraAway: ((Int, String) -> Void)?
    var cameraBack: ((Int, String) -> Void)?
    var sourceLost: ((Int, any Error) -> Void)?
}

/// How long a pipeline waits for its devices, and gathers frames.
struct PipelineLimits {
    /// Seconds without a camera frame before that source fails.
    var cameraTimeout = 3.0
    /// Seconds a flip may take before the run fails.
    var flipTimeout = 1.0
    /// Milliseconds before each vblank the frames of several sources are
    /// gathered for it; nil commits each frame as it comes.
    var commitLeadMilliseconds: Double? = 6
}
