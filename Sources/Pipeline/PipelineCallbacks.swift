/// What an embedder is told while a pipeline runs (each on the pipeline's
/// queue; set before starting).
struct PipelineCallbacks {
    var frame: ((FrameRecord) -> Void)?
    var status: (([PipelineStatistics], Duration) -> Void)?
    var cameraAway: ((Int, String) -> Void)?
    var cameraBack: ((Int, String) -> Void)?
    var sourceLost: ((Int, any Error) -> Void)?
}

/// How long a pipeline waits for its devices, and gathers frames, in
/// nanoseconds: the watchdog compares them with CLOCK_MONOTONIC
/// differences (the public face takes `Duration`s).
struct PipelineLimits {
    /// Without a camera frame this long, that source fails.
    var cameraTimeoutNanoseconds: Int64 = 3_000_000_000
    /// A flip may take this long before the run fails.
    var flipTimeoutNanoseconds: Int64 = 1_000_000_000
    /// How long before each vblank the frames of several sources are
    /// gathered for it.
    var commitLead = CommitLead.learned
}
