import Dispatch
import KMS
import Logging
import Platform
import Synchronization
import V4L2

/// Several cameras on one screen, zero copies: a plane each, one atomic
/// commit per vblank at most. The pipeline file lists them as `sources`
/// (each with a `rect`, or a `layout` preset for the set).
///
/// Configuring opens every camera and the card, chooses one mode (asked
/// for, else the connector's preferred) and each source's rectangle, then
/// searches each source's pipeline in z-order as ``FramePipeline`` does for
/// one camera (allocator, format, placement in its rectangle: unscaled,
/// scaled where the plane can, cropped), each on a plane above the
/// previous source's, every candidate tested with TEST_ONLY together with
/// the sources already settled. Too few planes is an error listing planes
/// and sources.
///
/// Running, one serial queue owns everything: a read source per camera and
/// one on the card drive a ``CompositeScheduler`` (a pool and mailbox per
/// source, one commit in flight carrying every source with a newer frame;
/// a buffer goes back to its camera only after the flip that replaced it).
/// A source that fails ends the run, or with `"onSourceLoss": "continue"`
/// its plane goes off in the next commit and the others go on.
///
/// ```swift
/// let pipeline = try CompositePipeline(configuration: try PipelineConfiguration.load(path: "configs/vivid-two-grid.json"))
/// let summary = try pipeline.run(frames: 100)
/// for source in summary.sources { print(source.camera, source.latency.p50, "ms median") }
/// ```
///
/// Thread safety as ``FramePipeline``: ``stop(_:)`` and ``statistics`` from
/// any thread, callbacks on the pipeline queue, set before starting.
public final class CompositePipeline: StoppablePipeline, PipelineRunEnd, @unchecked Sendable {
    /// The configuration it was set up with.
    public let configuration: PipelineConfiguration
    /// Each source as set up, in z-order.
    public let sources: [CompositeSource]
    /// What configuring took, step by step.
    public let setupSteps: [SetupStep]
    /// Called on the pipeline queue with each frame's record and its
    /// source's position once its fate is known. Set before starting.
    public var onFrame: ((Int, FrameRecord) -> Void)?
    /// Called about twice a second on the pipeline queue with each
    /// source's counters and the seconds streamed. Set before starting.
    public var onStatus: (([PipelineStatistics], Double) -> Void)?
    /// Called on the pipeline queue when a source is lost and the others go
    /// on (`onSourceLoss: continue`), with its position and the error.
    public var onSourceLost: ((Int, any Error) -> Void)?
    /// How long a source may deliver nothing before it counts as failed, in seconds.
    public var cameraTimeout: Double = 3
    /// How long a flip may take before the run fails, in seconds.
    public var flipTimeout: Double = 1
    /// How long before each vblank the frames gathered for it are
    /// committed, in milliseconds, so that cameras whose frames arrive a
    /// little apart share one vblank; nil commits each frame as it comes
    /// (it then makes the next vblank, and a frame of another camera
    /// arriving just after it waits for that flip). Set before starting.
    public var commitLeadMilliseconds: Double? = 6

    /// The display (for tests that inspect it; the pipeline owns it).
    package let display: Display
    /// The scheduler, owner of every source's pool.
    package let scheduler: CompositeScheduler
    /// Each source's capture stream.
    package let streams: [CaptureStream]
    /// Each source's framebuffers, by buffer index.
    package let framebuffers: [[FramebufferID]]
    let allocations: [FrameAllocation]
    /// The system or a test's fake.
    let kernel: any KernelInterface
    let queue = DispatchQueue(label: "framepipe.composite")
    let logger = Logger(label: "framepipe.composite")
    let published: Mutex<[PipelineStatistics]>
    let done = DispatchSemaphore(value: 0)
    let sourcesCancelled = DispatchGroup()

    // Queue-confined state.
    var cameraSources: [(any DispatchSourceRead)?]
    /// What the read sources watch: each camera's set by index, then the card's.
    var watches: [ReadinessSet] = []
    var otherSources: [any DispatchSourceProtocol] = []
    var latencies: [LatencyHistogram]
    var watchdogs: [Watchdog]
    var flipWatchdog = Watchdog()
    /// Why each source was lost, if it was.
    var lost: [String?]
    var framebuffersRemoved: [Bool]
    var stopReason: StopReason?
    var failure: (any Error)?
    var started = false
    var tornDown = false
    var frameLimit: Int?
    var startNanoseconds: Int64 = 0
    var stoppedAfterSeconds: Double?

    /// Configures the pipeline: opens every camera and the card, plans and
    /// searches each source, allocates and imports every buffer. Nothing
    /// is on screen until ``start(frames:duration:)``.
    ///
    /// - Throws: a ``UserFacingError`` naming the device and what was
    ///   expected (as ``FramePipeline/init(configuration:)``), and
    ///   ``PipelineError/tooFewPlanes(card:crtc:planes:sources:)``. What
    ///   was set up before the failure is released again.
    public convenience init(configuration: PipelineConfiguration) throws {
        try self.init(configuration: configuration, kernel: SystemKernel.shared)
    }

    /// ``init(configuration:)`` on `kernel`.
    package init(configuration: PipelineConfiguration, kernel: any KernelInterface) throws {
        self.configuration = configuration
        self.kernel = kernel
        let setup = try CompositeSetup(configuration: configuration, kernel: kernel)
        setupSteps = setup.steps
        display = setup.display
        sources = setup.sources
        allocations = setup.allocations
        streams = setup.allocations.map(\.stream)
        framebuffers = setup.allocations.map(\.framebuffers)
        let refreshHz = display.plan.mode.refreshRate
        scheduler = CompositeScheduler(
            cameras: streams.map { CameraStage(stream: $0) }, bufferCounts: framebuffers.map(\.count),
            display: LayerDisplayStage(display: display, framebuffers: framebuffers),
            refreshPeriodNanoseconds: refreshHz > 0 ? Int64(1e9 / refreshHz) : 16_666_667)
        let count = setup.sources.count
        published = Mutex(Array(repeating: PipelineStatistics(), count: count))
        cameraSources = Array(repeating: nil, count: count)
        latencies = Array(repeating: LatencyHistogram(), count: count)
        watchdogs = Array(repeating: Watchdog(), count: count)
        lost = Array(repeating: nil, count: count)
        framebuffersRemoved = Array(repeating: false, count: count)
        scheduler.onFrame = { [unowned self] source, record in
            if record.countsTowardLatency, let total = record.totalNanoseconds { latencies[source].record(nanoseconds: total) }
            onFrame?(source, record)
        }
        scheduler.onSourceCleared = { [unowned self] source in removeFramebuffers(of: source) }
    }

    /// Each source's counters as of the last event handled. Safe from any thread.
    public var statistics: [PipelineStatistics] { published.withLock { $0 } }

    // MARK: Running

    /// Starts every camera and returns at once. The run ends once every
    /// source still streaming has shown `frames` frames, after `duration`
    /// seconds, on ``stop(_:)``, or when a device fails (a source, unless
    /// `onSourceLoss` is `continue`). Call once.
    public func start(frames: Int? = nil, duration: Double? = nil) {
        queue.async { [self] in
            guard !started, stopReason == nil else { return }
            started = true
            frameLimit = frames
            do {
                for stream in streams { try stream.start() }
                startNanoseconds = monotonicNanoseconds()
                for source in watchdogs.indices { watchdogs[source].reset(at: startNanoseconds) }
                flipWatchdog.reset(at: startNanoseconds)
                try installSources(duration: duration)
            } catch {
                finish(.failed, error: error)
            }
        }
    }

    /// Asks the run to end (from any thread); the waiter is woken at once.
    public func stop(_ reason: StopReason = .requested) {
        queue.async { self.finish(reason, error: nil) }
        done.signal()
    }

    /// Waits for the run to end, then tears everything down in reverse
    /// order (display restored as found, framebuffers removed, streaming
    /// off, buffers freed). `beforeTeardown` runs on the pipeline queue
    /// first (snapshots); an error it throws ends the run as failed.
    ///
    /// - Returns: what the run did.
    /// - Throws: the error that ended the run, after teardown; else the
    ///   first teardown error.
    public func wait(beforeTeardown: ((CompositePipeline) throws -> Void)? = nil) throws -> CompositeSummary {
        try waitForEnd(beforeTeardown: beforeTeardown)
    }

    /// ``start(frames:duration:)`` then ``wait(beforeTeardown:)``.
    public func run(
        frames: Int? = nil, duration: Double? = nil, beforeTeardown: ((CompositePipeline) throws -> Void)? = nil
    ) throws -> CompositeSummary {
        start(frames: frames, duration: duration)
        return try wait(beforeTeardown: beforeTeardown)
    }

    /// Tears a pipeline down without running it. Call from any thread but the pipeline's.
    public func close() {
        queue.sync { _ = teardown() }
    }
}
