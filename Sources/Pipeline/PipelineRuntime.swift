import Dispatch
import KMS
import Logging
import Platform
import Synchronization
import V4L2

/// A pipeline while it runs: everything set up (the display and its
/// stage, each source's devices, the scheduler), the event loop that
/// drives it, and the state of the run. Every method runs on ``queue``;
/// events arrive there from ``loop`` whichever loop it is. Faults of a
/// source, reconnects and the per-source watchdogs are the
/// ``SourceSupervisor``'s; ``FramePipeline`` is the public face.
final class PipelineRuntime: @unchecked Sendable {
    let configuration: PipelineConfiguration
    let display: Display
    let stage: DisplayStage
    /// A lane per source: the owner of the buffer pools.
    let scheduler: Scheduler
    /// The device side of each source, by position.
    let runs: [SourceRun]
    let loop: any PipelineEventLoop
    let queue: DispatchQueue
    /// The counters as of the last event handled, per source, for readers on any thread.
    let published: Mutex<[PipelineStatistics]>
    /// Signalled when the run should end: by the queue when it stops, and
    /// at once by a stop request so that the waiter gets going even if the
    /// queue is stuck.
    let done = DispatchSemaphore(value: 0)
    /// The system or a test's fake, kept for finding a camera again.
    let kernel: any KernelInterface
    /// What the setup prepared of the cameras' media pipelines: restored
    /// at teardown, after streaming stopped; prepared again when a camera
    /// comes back after an unplug.
    var media: [MediaSession?]
    var run = RunState()
    var callbacks = PipelineCallbacks()
    var limits = PipelineLimits()
    private(set) lazy var supervisor = SourceSupervisor(runtime: self)

    static let logger = Logger(label: "framepipe.pipeline")
    /// Set on every pipeline queue: code can tell it runs on one.
    static let queueKey = DispatchSpecificKey<Bool>()

    /// How often the watchdogs run (and poll the cameras for errors that
    /// never make a descriptor readable), in nanoseconds: twice a second,
    /// or a quarter of the shorter timeout when that is shorter (a test's
    /// or an embedder's short timeouts still fire in time). Each tick costs
    /// libdispatch's timer path about ten system calls; four a second were
    /// half a system call per frame at 25 fps (lab, perf stat).
    var watchdogIntervalNanoseconds: Int64 {
        let quarter = min(limits.cameraTimeoutNanoseconds, limits.flipTimeoutNanoseconds) / 4
        return max(10_000_000, min(Self.statusIntervalNanoseconds, quarter))
    }

    /// Source `index`'s entry in the configuration.
    func sourceEntry(_ index: Int) -> SourceConfiguration {
        configuration.isComposite ? configuration.sources[index] : configuration.source
    }

    /// How often the status callback runs.
    static let statusIntervalNanoseconds: Int64 = 500_000_000

    init(configuration: PipelineConfiguration, setup: PipelineSetup, kernel: any KernelInterface, makeLoop: ((DispatchQueue) -> any PipelineEventLoop)?) {
        self.configuration = configuration
        self.kernel = kernel
        media = setup.media
        display = setup.display
        let queue = DispatchQueue(label: "framepipe.pipeline")
        queue.setSpecific(key: Self.queueKey, value: true)
        self.queue = queue
        let eventLoop = makeLoop?(queue) ?? Self.makeLoop(configuration, queue: queue, kernel: kernel)
        loop = eventLoop
        runs = zip(setup.sources, setup.allocations).enumerated().map { SourceRun(index: $0, setup: $1.0, allocation: $1.1) }
        stage = DisplayStage(display: display, framebuffers: runs.map(\.framebuffers))
        let refreshHz = display.plan.mode.refreshRate
        scheduler = Scheduler(
            cameras: runs.map { $0.makeCameraQueue(queue: queue) }, bufferCounts: runs.map(\.bufferCount), display: stage,
            refreshPeriodNanoseconds: refreshHz > 0 ? Int64(1e9 / refreshHz) : 16_666_667, clock: { eventLoop.now() })
        published = Mutex(Array(repeating: PipelineStatistics(), count: runs.count))
        scheduler.onFrame = { [unowned self] record in frameCompleted(record) }
        scheduler.onScreenReleased = { [unowned self] source in supervisor.screenReleased(source) }
        scheduler.onCommitDue = { [unowned self] time in loop.scheduleCommit(at: time) }
        for source in runs { connectConverter(of: source) }
    }

    /// The loop the configuration asks for: a waiter thread (real-time
    /// when asked) or Dispatch read sources.
    static func makeLoop(_ configuration: PipelineConfiguration, queue: DispatchQueue, kernel: any KernelInterface) -> any PipelineEventLoop {
        switch configuration.eventLoop {
        case .thread: return ThreadEventLoop(queue: queue, kernel: kernel, realtimePriority: configuration.realtime ? realtimePriority : nil)
        case .dispatch: return DispatchEventLoop(queue: queue, kernel: kernel)
        }
    }

    /// The SCHED_FIFO priority of a real-time waiter thread: low in the
    /// range (1–99), above every normal thread; the kernel's own threads
    /// that serve the devices (interrupt threads at 50) stay above it.
    static let realtimePriority: Int32 = 10

    /// On the copy path, each converted frame goes to the scheduler.
    func connectConverter(of source: SourceRun) {
        let index = source.index
        source.converting?.onConverted = { [unowned self] in step(index) { try scheduler.cameraReadable(index) } }
    }

    // MARK: Running

    /// Streaming on and events flowing (see ``FramePipeline/start(frames:duration:startPhase:)``).
    func start(frames: Int?, duration: Duration?, startPhase: Double?) {
        guard !run.started, run.stopReason == nil else { return }
        run.started = true
        run.frameLimit = frames
        do {
            if let startPhase { try waitForPhase(startPhase) }
            for source in runs {
                do { try source.stream.start() } catch let error as DeviceError where error.errno == .brokenPipe {
                    // A link the kernel refused: name it when the media pipeline can tell.
                    throw media[source.index]?.refusedLink(video: source.cameraPath) ?? error
                }
            }
            run.startNanoseconds = loop.now()
            for source in runs { source.watchdog.reset(at: run.startNanoseconds) }
            try installEvents(duration: duration)
        } catch {
            finish(.failed, error: error)
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

    private func installEvents(duration: Duration?) throws {
        scheduler.shownLimit = run.frameLimit
        scheduler.commitLead = limits.commitLead
        let events = PipelineEvents(
            cameraReadable: { [unowned self] index in cameraReadable(index) },
            cardReadable: { [unowned self] in step(nil) { try scheduler.displayReadable() } },
            commitDue: { [unowned self] in step(nil) { try scheduler.commitDue() } },
            tick: { [unowned self] in tick() },
            durationElapsed: { [unowned self] in finish(.duration, error: nil) })
        try loop.start(
            card: display.card.fd, events: events, tickNanoseconds: watchdogIntervalNanoseconds,
            durationNanoseconds: duration?.inNanoseconds)
        for source in runs { try loop.watchCamera(source.index, source.stream.device.fd) }
        updateCardWanted()
    }

    /// Source `index`'s camera is readable (or hung up).
    private func cameraReadable(_ index: Int) {
        // An event taken before the camera went away (the watchdog noticed
        // first) finds its stream released: nothing to read.
        guard run.stopReason == nil, runs[index].away == nil, runs[index].lost == nil else { return }
        // The copy path: the converter takes the frame; the scheduler hears
        // of it when it is converted (onConverted).
        if let converting = runs[index].converting {
            step(index) { try converting.cameraReadable() }
        } else {
            step(index) { try scheduler.cameraReadable(index) }
        }
    }

    /// The card's descriptor wakes the pipeline only while something waits
    /// for the flip in flight (a suspended read source costs nothing).
    private func updateCardWanted() {
        loop.setCardWanted(run.stopReason != nil || scheduler.isWaitingForFlip)
    }

    /// Runs one scheduler step for source `source` (nil: the display's).
    /// An error is a source's failure when it names one of the cameras
    /// (``SourceSupervisor/sourceFailed(_:error:)``), else it ends the run.
    /// The counters are published for readers on other threads afterwards,
    /// in place (this runs for every frame).
    func step(_ source: Int?, _ body: () throws -> Void) {
        guard run.stopReason == nil else { return }
        do {
            try body()
        } catch {
            if let failed = supervisor.source(of: error) ?? source {
                supervisor.sourceFailed(failed, error: error)
            } else {
                finish(.failed, error: error)
            }
        }
        published.withLock { counters in
            for index in counters.indices { counters[index] = scheduler.lanes[index].statistics }
        }
        if let limit = run.frameLimit, run.stopReason == nil {
            var streaming = 0, reached = 0
            for (index, lane) in scheduler.lanes.enumerated() where lane.state == .active || lane.state == .away {
                streaming += 1
                guard lane.statistics.shown >= limit else { continue }
                reached += 1
                // Done while others go on: its camera no longer wakes the
                // pipeline (its frames are not taken: a level-triggered
                // descriptor would fire again and again) nor counts as stalled.
                if !runs[index].reachedLimit {
                    runs[index].reachedLimit = true
                    loop.unwatchCamera(index, runs[index].stream.device.fd)
                }
            }
            if streaming > 0, reached == streaming { finish(.frameCount, error: nil) }
        }
        updateCardWanted()
    }

    /// The watchdogs: each source's (``SourceSupervisor/check(now:)``), then
    /// the flip in flight; about twice a second the status callback.
    private func tick() {
        guard run.stopReason == nil else { return }
        let now = loop.now()
        supervisor.check(now: now)
        guard run.stopReason == nil else { return }
        // A flip whose event nobody needed yet is read now, before it counts as overdue.
        if scheduler.isFlipPending { step(nil) { try scheduler.takeFlipEvents() } }
        guard run.stopReason == nil else { return }
        if let pending = scheduler.pendingCommitNanoseconds, now - pending > limits.flipTimeoutNanoseconds {
            return finish(.failed, error: PipelineError.flipTimedOut(device: display.card.path, after: .nanoseconds(now - pending)))
        }
        run.ticks += 1
        let ticksPerStatus = max(1, Int(Self.statusIntervalNanoseconds / watchdogIntervalNanoseconds))
        if run.ticks % ticksPerStatus == 0 { callbacks.status?(scheduler.lanes.map(\.statistics), .nanoseconds(elapsedNanoseconds)) }
    }

    /// A frame's fate is known: count its latency, pass it on.
    private func frameCompleted(_ record: FrameRecord) {
        var record = record
        let source = runs[record.source]
        if let converting = source.converting, let index = record.bufferIndex, record.outcome != .cameraError, record.outcome != .droppedByCamera {
            record.conversionNanoseconds = converting.conversionNanoseconds(of: index)
        }
        source.latency.check(record)
        if record.countsTowardLatency, let total = record.totalNanoseconds {
            source.latency.record(nanoseconds: total)
        }
        callbacks.frame?(record)
    }

    /// Ends the run (the first reason wins) and wakes the waiter; from
    /// then on no descriptor wakes the pipeline.
    func finish(_ reason: StopReason, error: (any Error)?) {
        guard run.stopReason == nil else { return }
        run.stopReason = reason
        run.failure = error
        if let error { Self.logger.debug("pipeline stopping: \(error)") }
        loop.quiesce()
        done.signal()
    }

    /// The face of the pipeline went away on this queue: end the run and
    /// tear down without waiting for anything (nothing can wait here). The
    /// loop stops first; its events find the run over.
    func abandon() {
        finish(run.stopReason ?? .requested, error: nil)
        loop.stop {}
        _ = teardown()
    }

    /// How long the run has streamed (0 before it started).
    var elapsedNanoseconds: Int64 {
        run.startNanoseconds == 0 ? 0 : loop.now() - run.startNanoseconds
    }

    /// ``elapsedNanoseconds`` in seconds, as the summary keeps them.
    var elapsedSeconds: Double { Double(elapsedNanoseconds) / 1e9 }
}
