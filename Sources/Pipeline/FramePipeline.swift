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
/// pipeline.onFrame = { frame in if frame.countsTowardLatency, let total = frame.total { print(total) } }
/// let summary = try pipeline.run(frames: 100)
/// print(summary.sources[0].latency.p50, "median, capture to glass")
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
    /// The running pipeline behind this face (package: tests inspect it).
    let runtime: PipelineRuntime

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
        let setup = try PipelineSetup(configuration: configuration, kernel: kernel)
        setupSteps = setup.steps
        sources = setup.sources
        runtime = PipelineRuntime(configuration: configuration, setup: setup, kernel: kernel, makeLoop: makeLoop)
    }

    /// A pipeline released without ``wait(beforeTeardown:)`` (an
    /// embedder's early exit, a test that failed midway) still ends its run
    /// and tears down: the display is restored and no event of its loop
    /// can reach a runtime that is gone. Released on its own queue (from
    /// one of its callbacks) nothing can be waited for; the queue's
    /// teardown then runs once the callback returns.
    deinit {
        guard DispatchQueue.getSpecific(key: PipelineRuntime.queueKey) == nil else {
            let runtime = runtime
            runtime.queue.async { runtime.abandon() }
            return
        }
        let tornDown = runtime.queue.sync { runtime.run.tornDown }
        guard !tornDown else { return }
        stop()
        _ = try? wait()
    }

    // MARK: Running

    /// Starts streaming and returns at once. The run ends once every
    /// source still streaming has shown `frames` frames, once it has
    /// streamed for `duration` (kept to whole nanoseconds), on ``stop(_:)``, or when a device fails (a source, unless
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
    public func start(frames: Int? = nil, duration: Duration? = nil, startPhase: Double? = nil) {
        runtime.queue.async { [runtime] in runtime.start(frames: frames, duration: duration, startPhase: startPhase) }
    }

    /// Asks the run to end (from any thread; also before it started). The
    /// caller of ``wait(beforeTeardown:)`` is woken at once, even if the
    /// pipeline queue is stuck in a device call, so that a front end can
    /// still react (the CLI ends the process on a second Ctrl-C).
    public func stop(_ reason: StopReason = .requested) {
        runtime.queue.async { [runtime] in runtime.finish(reason, error: nil) }
        runtime.done.signal()
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
        runtime.done.wait()
        let released = DispatchSemaphore(value: 0)
        runtime.queue.sync {
            runtime.finish(runtime.run.stopReason ?? .requested, error: nil)
            runtime.loop.stop { released.signal() }
        }
        released.wait()
        var teardownError: (any Error)?
        runtime.queue.sync {
            if runtime.run.failure == nil, let beforeTeardown {
                do { try beforeTeardown(self) } catch {
                    runtime.run.failure = error
                    runtime.run.stopReason = .failed
                }
            }
            teardownError = runtime.teardown()
        }
        let summary = runtime.queue.sync { runtime.makeSummary() }
        if let failure = runtime.run.failure { throw failure }
        if let teardownError { throw teardownError }
        return summary
    }

    /// ``start(frames:duration:startPhase:)`` then ``wait(beforeTeardown:)``.
    public func run(
        frames: Int? = nil, duration: Duration? = nil, beforeTeardown: ((FramePipeline) throws -> Void)? = nil
    ) throws -> PipelineSummary {
        start(frames: frames, duration: duration)
        return try wait(beforeTeardown: beforeTeardown)
    }

    /// Tears a pipeline down without running it (after looking at its
    /// ``sources``' plans, say): the display was never changed, so only
    /// the framebuffers, master and the cameras' buffers are given back.
    /// Does nothing after a run. Call from any thread but the pipeline's.
    public func close() {
        runtime.queue.sync { _ = runtime.teardown() }
    }

    /// The counters of each source as of the last event handled. Safe from any thread.
    public var statistics: [PipelineStatistics] { runtime.published.withLock { $0 } }

    /// The display's connector, mode, CRTC and (first) plane.
    public var displayPlan: DisplayPlan { runtime.display.plan }

    /// Freezes scheduling, lets the commit in flight land, and reads the
    /// composed screen back through the writeback connector, with each
    /// source's buffer on screen and its layout. The frames on screen stay
    /// there (and out of the cameras' hands) throughout. Call on the
    /// pipeline queue, from the `beforeTeardown` hook of ``wait(beforeTeardown:)``.
    public func snapshot() throws -> PipelineSnapshot {
        try runtime.snapshot()
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
    /// How long it streamed, fixed at teardown (seconds, as the summary
    /// keeps them).
    var stoppedAfterSeconds: Double?
    /// Watchdog ticks so far (the status callback runs about twice a second).
    var ticks = 0
    /// While set, a camera that went away is not looked for.
    var cameraSearchPaused = false
    /// The plane the display used, as teardown found it.
    var activePlane: UInt32?
}
