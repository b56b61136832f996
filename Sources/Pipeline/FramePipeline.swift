import Dispatch
import KMS
import Logging
import Platform
import Synchronization
import V4L2

/// Camera → screen, zero copies, shaped like a libcamera pipeline handler:
/// configure (``init(configuration:)``), ``start(frames:duration:)``,
/// ``stop(_:)``, and a callback per frame (``onFrame``).
///
/// Configuring opens both devices ("auto" finds the first camera and the
/// first card with a display) and searches for a zero-copy pipeline that
/// works on them: ``PipelinePlanner`` lists the candidates (who allocates,
/// which format, which display plan), and each is tried with the real
/// checks (imports, `VIDIOC_QBUF`, TEST_ONLY) until one passes; ``plan``
/// keeps every outcome. The chosen buffers are shared as dma-bufs and each
/// is a framebuffer once. Nothing is shown yet. ``start(frames:duration:)`` turns
/// streaming on; from then on one serial queue owns every piece of state,
/// driven by read sources on the camera's and the card's descriptors, and a
/// buffer goes back to the camera only after the flip that replaced it on
/// screen has completed. ``wait(beforeTeardown:)`` returns when the run ends
/// (frame count, duration, ``stop(_:)`` or a device fault) and everything has
/// been torn down in reverse order, the display restored as it was found.
///
/// ```swift
/// let pipeline = try FramePipeline(configuration: PipelineConfiguration())
/// pipeline.onFrame = { frame in if frame.countsTowardLatency { print(frame.totalNanoseconds ?? 0) } }
/// let summary = try pipeline.run(frames: 100)
/// print(summary.latency.p50, "ms median, capture to glass")
/// ```
///
/// Thread safety: ``stop(_:)`` and ``statistics`` may be used from any
/// thread; callbacks run on the pipeline's queue; set them before starting.
/// The class is `@unchecked Sendable` because its mutable state is confined
/// to that queue.
public final class FramePipeline: StoppablePipeline, PipelineRunEnd, @unchecked Sendable {
    /// The configuration it was set up with.
    public let configuration: PipelineConfiguration
    /// The candidate setup chose: allocator, format, display plan.
    public private(set) var candidate: PipelineCandidate
    /// Every candidate setup considered, with what became of it.
    public let plan: PipelinePlan

    /// Called on the pipeline queue with each camera frame's record once its
    /// fate is known: shown (at its flip), superseded, flagged bad, dropped
    /// by the camera, or in flight at the end. Set before starting.
    public var onFrame: ((FrameRecord) -> Void)?
    /// Called about twice a second on the pipeline queue with the counters
    /// and the seconds streamed so far. Set before starting.
    public var onStatus: ((PipelineStatistics, Double) -> Void)?
    /// How long without a camera frame before the run fails, in seconds.
    public var cameraTimeout: Double = 3
    /// How long a flip may take before the run fails, in seconds.
    public var flipTimeout: Double = 1
    /// Called on the pipeline queue when the camera went away and the run
    /// waits for it (``PipelineConfiguration/reconnect``), with its path;
    /// the last frame stays on screen. Set before starting.
    public var onCameraAway: ((String) -> Void)?
    /// Called on the pipeline queue when the camera is back and streaming,
    /// with the path it came back at. Set before starting.
    public var onCameraBack: ((String) -> Void)?

    /// The capture stream (for tests that inspect it; the pipeline owns it).
    package internal(set) var stream: CaptureStream
    /// The display stage (for tests that inspect it; the pipeline owns it).
    package let display: Display
    /// The scheduler, the owner of the buffer pool.
    package internal(set) var scheduler: Scheduler
    /// The framebuffer imported from each capture buffer, by buffer index.
    package internal(set) var framebuffers: [FramebufferID]
    /// The chosen buffers (and, for display memory, the dumb buffers behind them).
    var allocation: FrameAllocation
    /// The system or a test's fake, kept for finding the camera again.
    let kernel: any KernelInterface

    let queue: DispatchQueue
    let logger = Logger(label: "framepipe.pipeline")
    /// The counters as of the last event handled, for readers on any thread.
    let published = Mutex(PipelineStatistics())
    /// Signalled when the run should end: by the queue when it stops, and
    /// at once by ``stop(_:)`` so that the waiter gets going even if the
    /// queue is stuck.
    let done = DispatchSemaphore(value: 0)
    /// Left once per dispatch source when its cancellation handler ran:
    /// only then has libdispatch let go of the descriptor (closing it
    /// earlier lets a later descriptor with the same number inherit the
    /// stale epoll registration).
    let sourcesCancelled = DispatchGroup()

    // Queue-confined state.
    var sources: [any DispatchSourceProtocol] = []
    /// The card's read source, and whether it is resumed (see
    /// ``updateFlipSource()``).
    var flipSource: (any DispatchSourceRead)?
    /// What the camera's and the card's read sources watch (see
    /// ``installSources(duration:)``): set while the run streams.
    var cameraWatch: ReadinessSet?
    var cardWatch: ReadinessSet?
    /// While the camera is away (``PipelineConfiguration/reconnect``).
    var cameraAway: CameraAway?
    /// The framebuffer left on screen when the camera went away, removed
    /// once a frame of the camera's return has replaced it.
    var heldFramebuffer: (ids: [FramebufferID], flipsBefore: Int)?
    /// The copy path's converting camera (nil for zero-copy): the
    /// scheduler's camera, fed by the real one's source.
    var converting: ConvertingCamera?
    /// While set, a camera that went away is not looked for (tests that
    /// unload and reload its driver first).
    package var cameraSearchPaused = false
    /// The allocation behind the held framebuffers (display memory).
    var heldAllocation: FrameAllocation?
    var flipSourceResumed = false
    var stopReason: StopReason?
    var failure: (any Error)?
    var started = false
    var tornDown = false
    var frameLimit: Int?
    var startNanoseconds: Int64 = 0
    var stoppedAfterSeconds: Double?
    var planeShown: UInt32?
    var watchdog = Watchdog()
    var latency = LatencyHistogram()
    /// What configuring took, step by step: opening and describing the
    /// camera (formats, controls) and the display (connectors, CRTCs,
    /// planes, properties), planning, saving the display's state, and the
    /// plan search (format, buffers, export, import, test commits).
    public let setupSteps: [SetupStep]

    /// Configures a pipeline: opens the devices, negotiates the format,
    /// allocates and exports the capture buffers and imports each as a
    /// framebuffer. Nothing is on screen until ``start(frames:duration:)``.
    ///
    /// - Throws: a ``UserFacingError`` naming the device and what was
    ///   expected: `DeviceError`, `V4L2Error`, `CaptureError`, `KMSError`,
    ///   `DisplayError`, ``NegotiationError`` or ``PipelineError``. Whatever
    ///   was set up before the failure is released again.
    public convenience init(configuration: PipelineConfiguration) throws {
        try self.init(configuration: configuration, kernel: SystemKernel.shared)
    }

    /// ``init(configuration:)`` on `kernel` (a test's fake, or the system).
    package init(configuration: PipelineConfiguration, kernel: any KernelInterface) throws {
        self.configuration = configuration
        self.kernel = kernel
        var steps: [SetupStep] = []
        var stepStart = monotonicNanoseconds()
        func step(_ name: String) {
            let now = monotonicNanoseconds()
            steps.append(SetupStep(name: name, milliseconds: Double(now - stepStart) / 1e6))
            stepStart = now
        }
        let device = try Self.openCamera(configuration.source.device, kernel: kernel)
        let camera = try CameraDescription(device)
        step("open camera")
        let (card, info) = try Self.openCard(configuration.sink.card, kernel: kernel)
        step("open display")
        let planned = try PipelinePlanner.plan(configuration, camera: camera, card: info, heaps: DmaHeap.available(kernel: kernel))
        var displayPlans: [DisplayPlan] = []
        for candidate in planned.candidates where !displayPlans.contains(candidate.display) {
            displayPlans.append(candidate.display)
        }
        step("plan")
        display = try Display(card: card, info: info, candidates: displayPlans)
        step("display")
        let outcome = try PlanSearch(device: device, display: display, kernel: kernel).run(planned)
        step("buffers")
        setupSteps = steps
        candidate = outcome.candidate
        plan = outcome.plan
        allocation = outcome.allocation
        stream = outcome.allocation.stream
        framebuffers = outcome.allocation.framebuffers
        let queue = DispatchQueue(label: "framepipe.pipeline")
        self.queue = queue
        (scheduler, converting) = Self.makeScheduler(allocation: outcome.allocation, display: display, queue: queue)
        connectScheduler()
    }

    // MARK: Running

    /// Starts streaming and returns at once. The run ends after `frames`
    /// shown frames, after `duration` seconds, on ``stop(_:)``, or when a
    /// device fails; ``wait(beforeTeardown:)`` then returns. Call once.
    ///
    /// The corresponding ioctls are `VIDIOC_QBUF` (every buffer) and
    /// `VIDIOC_STREAMON`; the first frame then sets the mode.
    ///
    /// `startPhase` (0 ≤ phase < 1, for benchmarks) starts the camera that
    /// fraction of a refresh period after a vblank of the display, so that
    /// a camera whose frame clock starts at `VIDIOC_STREAMON` (vivid)
    /// delivers its frames at that phase. The CRTC must be on.
    public func start(frames: Int? = nil, duration: Double? = nil, startPhase: Double? = nil) {
        queue.async { [self] in
            guard !started, stopReason == nil else { return }
            started = true
            frameLimit = frames
            do {
                if let startPhase { try waitForPhase(startPhase) }
                try stream.start()
                startNanoseconds = monotonicNanoseconds()
                watchdog.reset(at: startNanoseconds)
                try installSources(duration: duration)
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
    /// GEM handle closed once, streaming off, buffers freed).
    /// `beforeTeardown` runs on the pipeline queue after frames stopped
    /// being scheduled and before anything is torn down (snapshots,
    /// inspections); an error it throws ends the run as failed.
    ///
    /// - Returns: what the run did.
    /// - Throws: the error that ended the run, after teardown; else the
    ///   first teardown error.
    public func wait(beforeTeardown: ((FramePipeline) throws -> Void)? = nil) throws -> PipelineSummary {
        try waitForEnd(beforeTeardown: beforeTeardown)
    }

    /// ``start(frames:duration:)`` then ``wait(beforeTeardown:)``.
    public func run(
        frames: Int? = nil, duration: Double? = nil, beforeTeardown: ((FramePipeline) throws -> Void)? = nil
    ) throws -> PipelineSummary {
        start(frames: frames, duration: duration)
        return try wait(beforeTeardown: beforeTeardown)
    }

    /// Tears a pipeline down without running it (after looking at its
    /// ``plan``, say): the display was never changed, so only the
    /// framebuffers, master and the camera's buffers are given back. Does
    /// nothing after a run. Call from any thread but the pipeline's.
    public func close() {
        queue.sync { _ = teardown() }
    }

    // MARK: Device discovery

    static func openCamera(_ path: String, kernel: any KernelInterface) throws -> VideoDevice {
        path == "auto" ? try VideoDevice.openFirstCaptureDevice(kernel: kernel) : try VideoDevice.open(path, kernel: kernel)
    }

    static func openCard(_ path: String, kernel: any KernelInterface) throws -> (Card, CardInfo) {
        if path == "auto" { return try Card.openFirstWithDisplay(kernel: kernel) }
        let card = try Card.open(path: path, kernel: kernel)
        return (card, try card.describe())
    }
}
