import Dispatch
import KMS
import Logging
import Platform
import Synchronization
import V4L2

/// Cameras → screen, zero copies, shaped like a libcamera pipeline handler:
/// configure (``init(configuration:)``), ``start(frames:duration:startPhase:)``,
/// ``stop(_:)``, and a callback per frame (``onFrame``). One camera or
/// several (the file's `sources`): each is a source with its own buffers,
/// and one atomic commit per vblank at most carries every source with a
/// newer frame, a plane each.
///
/// Configuring opens the devices ("auto" finds the first camera and the
/// first card with a display) and searches, for each source, for a
/// zero-copy pipeline that works on them: ``PipelinePlanner`` lists the
/// candidates (who allocates, which format, which display plan), and each
/// is tried with the real checks (imports, `VIDIOC_QBUF`, TEST_ONLY) until
/// one passes; ``sources`` keeps every outcome. The chosen buffers are
/// shared as dma-bufs and each is a framebuffer once. Nothing is shown yet.
/// ``start(frames:duration:startPhase:)`` turns streaming on; from then on
/// one serial queue owns every piece of state, driven by its event loop
/// (``PipelineEventLoop``: Dispatch read sources by default), and a buffer
/// goes back to its camera only once no consumer reads it any more (the
/// display: after the flip that replaced it on screen). ``wait(beforeTeardown:)``
/// returns when the run ends (frame count, duration, ``stop(_:)`` or a
/// device fault) and everything has been torn down in reverse order, the
/// display restored as it was found.
///
/// ```swift
/// let pipeline = try FramePipeline(configuration: PipelineConfiguration())
/// pipeline.onFrame = { frame in if frame.countsTowardLatency { print(frame.totalNanoseconds ?? 0) } }
/// let summary = try pipeline.run(frames: 100)
/// print(summary.sources[0].latency.p50, "ms median, capture to glass")
/// ```
///
/// Thread safety: ``stop(_:)`` and ``statistics`` may be used from any
/// thread; callbacks run on the pipeline's queue; set them before starting.
/// The class is `@unchecked Sendable` because its mutable state is confined
/// to that queue.
public final class FramePipeline: StoppablePipeline, @unchecked Sendable {
    /// The configuration it was set up with.
    public let configuration: PipelineConfiguration
    /// Each source as set up, bottom to top (one for one camera).
    public let sources: [PipelineSource]
    /// What configuring took, step by step: opening and describing the
    /// cameras and the display, planning, saving the display's state, and
    /// the plan search (format, buffers, export, import, test commits).
    public let setupSteps: [SetupStep]

    var callbacks = PipelineCallbacks()
    var limits = PipelineLimits()
    /// The display stage (for tests that inspect it; the pipeline owns it).
    package let display: Display
    let stage: DisplayStage
    /// The scheduler: a lane per source, the owner of the buffer pools.
    package let scheduler: Scheduler
    /// The device side of each source, by position.
    let runs: [SourceRun]
    let loop: any PipelineEventLoop
    let queue: DispatchQueue
    /// The counters as of the last event handled, per source, for readers on any thread.
    let published: Mutex<[PipelineStatistics]>
    /// Signalled when the run should end: by the queue when it stops, and
    /// at once by ``stop(_:)`` so that the waiter gets going even if the
    /// queue is stuck.
    let done = DispatchSemaphore(value: 0)
    /// The system or a test's fake, kept for finding a camera again.
    let kernel: any KernelInterface
    var run = RunState()

    static let logger = Logger(label: "framepipe.pipeline")

    /// Configures a pipeline: opens the devices, negotiates each source's
    /// format, allocates and exports its buffers and imports each as a
    /// framebuffer. Nothing is on screen until ``start(frames:duration:startPhase:)``.
    ///
    /// - Throws: a ``UserFacingError`` naming the device and what was
    ///   expected: `DeviceError`, `V4L2Error`, `CaptureError`, `KMSError`,
    ///   `DisplayError`, ``NegotiationError`` or ``PipelineError`` (among
    ///   them ``PipelineError/tooFewPlanes(card:crtc:planes:sources:)``).
    ///   Whatever was set up before the failure is released again.
    public convenience init(configuration: PipelineConfiguration) throws {
        try self.init(configuration: configuration, kernel: SystemKernel.shared)
    }

    /// ``init(configuration:)`` on `kernel` (a test's fake, or the system),
    /// its events delivered by the loop `makeLoop` makes for the pipeline's
    /// queue (Dispatch sources unless a test brings its own).
    package init(
        configuration: PipelineConfiguration, kernel: any KernelInterface,
        makeLoop: ((DispatchQueue) -> any PipelineEventLoop)? = nil
    ) throws {
        self.configuration = configuration
        self.kernel = kernel
        let setup = try PipelineSetup(configuration: configuration, kernel: kernel)
        setupSteps = setup.steps
        sources = setup.sources
        display = setup.display
        let queue = DispatchQueue(label: "framepipe.pipeline")
        self.queue = queue
        let eventLoop = makeLoop?(queue) ?? DispatchEventLoop(queue: queue, kernel: kernel)
        loop = eventLoop
        runs = zip(setup.sources, setup.allocations).enumerated().map { SourceRun(index: $0, setup: $1.0, allocation: $1.1) }
        stage = DisplayStage(display: display, framebuffers: runs.map(\.framebuffers))
        let refreshHz = display.plan.mode.refreshRate
        scheduler = Scheduler(
            cameras: runs.map { $0.makeCameraQueue(queue: queue) }, bufferCounts: runs.map(\.bufferCount), display: stage,
            refreshPeriodNanoseconds: refreshHz > 0 ? Int64(1e9 / refreshHz) : 16_666_667, clock: { eventLoop.now() })
        published = Mutex(Array(repeating: PipelineStatistics(), count: runs.count))
        connectScheduler()
    }

    // MARK: Running

    /// Starts streaming and returns at once. The run ends once every
    /// source still streaming has shown `frames` frames, after `duration`
    /// seconds, on ``stop(_:)``, or when a device fails (a source, unless
    /// `onSourceLoss` is `continue` or it was unplugged with `reconnect`
    /// on); ``wait(beforeTeardown:)`` then returns. Call once.
    ///
    /// The corresponding ioctls are `VIDIOC_QBUF` (every buffer) and
    /// `VIDIOC_STREAMON`; the first frame then sets the mode.
    ///
    /// `startPhase` (0 ≤ phase < 1, for benchmarks) starts the cameras that
    /// fraction of a refresh period after a vblank of the display, so that
    /// a camera whose frame clock starts at `VIDIOC_STREAMON` (vivid)
    /// delivers its frames at that phase. The CRTC must be on.
    public func start(frames: Int? = nil, duration: Double? = nil, startPhase: Double? = nil) {
        queue.async { [self] in
            guard !run.started, run.stopReason == nil else { return }
            run.started = true
            run.frameLimit = frames
            do {
                if let startPhase { try waitForPhase(startPhase) }
                for source in runs { try source.stream.start() }
                run.startNanoseconds = loop.now()
                for source in runs { source.watchdog.reset(at: run.startNanoseconds) }
                try installEvents(duration: duration)
            } catch {
                finish(.failed, error: error)
            }
        }
    }

    /// Sleeps until `phase` of a refresh period after a vblank, at least
    /// 2 ms from now (the next such instant).
    private func waitForPhase(_ phase: Double) throws {
        let refreshHz = display.plan.mode.refreshRate
        guard refreshHz > 0 else { return }
        let period = Int64(1e9 / refreshHz)
        let (_, last) = try display.lastVblank()
        var target = last + Int64(phase * Double(period))
        while target < monotonicNanoseconds() + 2_000_000 { target += period }
        sleepUntil(monotonicNanoseconds: target)
    }

    /// Asks the run to end (from any thread; also before it started). The
    /// caller of ``wait(beforeTeardown:)`` is woken at once, even if the
    /// pipeline queue is stuck in a device call, so that a front end can
    /// still react (the CLI ends the process on a second Ctrl-C).
    public func stop(_ reason: StopReason = .requested) {
        queue.async { self.finish(reason, error: nil) }
        done.signal()
    }

    /// Waits for the run to end, then tears everything down in reverse
    /// order (display restored as it was found, framebuffers removed, each
    /// GEM handle closed once, streaming off, buffers freed). The event
    /// loop lets go of every descriptor first. `beforeTeardown` runs on the
    /// pipeline queue after frames stopped being scheduled and before
    /// anything is torn down (snapshots, inspections); an error it throws
    /// ends the run as failed.
    ///
    /// - Returns: what the run did.
    /// - Throws: the error that ended the run, after teardown; else the
    ///   first teardown error.
    public func wait(beforeTeardown: ((FramePipeline) throws -> Void)? = nil) throws -> PipelineSummary {
        done.wait()
        let released = DispatchSemaphore(value: 0)
        queue.sync {
            finish(run.stopReason ?? .requested, error: nil)
            loop.stop { released.signal() }
        }
        released.wait()
        var teardownError: (any Error)?
        queue.sync {
            if run.failure == nil, let beforeTeardown {
                do { try beforeTeardown(self) } catch {
                    run.failure = error
                    run.stopReason = .failed
                }
            }
            teardownError = teardown()
        }
        let summary = queue.sync { makeSummary() }
        if let failure = run.failure { throw failure }
        if let teardownError { throw teardownError }
        return summary
    }

    /// ``start(frames:duration:startPhase:)`` then ``wait(beforeTeardown:)``.
    public func run(
        frames: Int? = nil, duration: Double? = nil, beforeTeardown: ((FramePipeline) throws -> Void)? = nil
    ) throws -> PipelineSummary {
        start(frames: frames, duration: duration)
        return try wait(beforeTeardown: beforeTeardown)
    }

    /// Tears a pipeline down without running it (after looking at its
    /// ``sources``' plans, say): the display was never changed, so only
    /// the framebuffers, master and the cameras' buffers are given back.
    /// Does nothing after a run. Call from any thread but the pipeline's.
    public func close() {
        queue.sync { _ = teardown() }
    }

    /// The counters of each source as of the last event handled. Safe from any thread.
    public var statistics: [PipelineStatistics] { published.withLock { $0 } }

    /// The display's connector, mode, CRTC and (first) plane.
    public var displayPlan: DisplayPlan { display.plan }

    /// Runs `body` on the pipeline queue and returns its result (for tests
    /// that look at or freeze the pipeline while it runs).
    package func onQueue<Result>(_ body: () throws -> Result) rethrows -> Result {
        try queue.sync(execute: body)
    }
}

/// Where a run is: started, its end and why, its limits and times.
struct RunState {
    var started = false
    var tornDown = false
    var stopReason: StopReason?
    var failure: (any Error)?
    var frameLimit: Int?
    var startNanoseconds: Int64 = 0
    var stoppedAfterSeconds: Double?
    /// Watchdog ticks so far (the status callback runs every other one).
    var ticks = 0
    /// While set, a camera that went away is not looked for.
    var cameraSearchPaused = false
    /// The plane the display used, as teardown found it.
    var activePlane: UInt32?
}
