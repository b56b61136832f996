import Dispatch
import KMS
import Platform
import V4L2

#if canImport(Glibc)
import Glibc
#endif

/// The event loop: read sources on the two descriptors, the watchdog tick,
/// and how a run comes to its end. Everything here runs on the pipeline queue.
extension FramePipeline {
    /// How often the watchdogs run (and poll the camera for errors that
    /// never make its descriptor readable).
    static let watchdogInterval = DispatchTimeInterval.milliseconds(250)

    /// The shape of the frame path, and what it costs. Each time a read
    /// source fires, libdispatch spends about 11 system calls (its manager
    /// thread's epoll_wait and EPOLL_CTL_MOD to disarm, a futex to wake a
    /// worker, the worker's eventfd write to re-arm and the manager's read,
    /// EPOLL_CTL_MOD and epoll_wait, the worker's clock reads and futex to
    /// park), about as much as the frame's own work. With a source each for
    /// the camera and the card, every frame fired both (30.6 system calls
    /// per shown frame at 640x480@25 in the lab, bench). So one wake-up
    /// serves a frame: the camera's source reads the flip that completed
    /// since the last frame (its vblank time is in the event), dequeues
    /// once and commits; the card's source is resumed only while a ready
    /// frame waits for the flip in flight, which is when the flip's event
    /// must wake the pipeline.
    ///
    /// Neither source watches a device: each watches a ``ReadinessSet`` (a
    /// private epoll instance) holding the device, because libdispatch
    /// crashes when a descriptor it watches hangs up (see ReadinessSet).
    /// The sources live for the whole run; a camera that goes away is
    /// removed from its set and one that comes back is added to it.
    func installSources(duration: Double?) throws {
        scheduler.shownLimit = frameLimit
        let cameraWatch = try ReadinessSet(name: "\(stream.device.path) (epoll)", kernel: kernel)
        try cameraWatch.add(stream.device.fd)
        let cardWatch = try ReadinessSet(name: "\(display.card.path) (epoll)", kernel: kernel)
        try cardWatch.add(display.card.fd)
        self.cameraWatch = cameraWatch
        self.cardWatch = cardWatch
        let camera = DispatchSource.makeReadSource(fileDescriptor: cameraWatch.fileDescriptor, queue: queue)
        camera.setEventHandler { [unowned self] in
            // A run that ended wakes nothing any more (a device in error
            // stays ready, level-triggered, until its source is cancelled).
            guard stopReason == nil else { return cameraWatch.removeAll() }
            // An event taken before the camera went away (the watchdog
            // noticed first) finds its stream released: nothing to read.
            guard cameraAway == nil else { return }
            // The copy path: the converter takes the frame; the scheduler
            // hears of it when it is converted (onConverted).
            if let converting = self.converting {
                self.step { try converting.cameraReadable() }
            } else {
                self.step { try self.scheduler.cameraReadable() }
            }
        }
        let flips = DispatchSource.makeReadSource(fileDescriptor: cardWatch.fileDescriptor, queue: queue)
        flips.setEventHandler { [unowned self] in
            guard stopReason == nil else { return cardWatch.removeAll() }
            self.step { try self.scheduler.displayReadable() }
        }
        flipSource = flips
        flipSourceResumed = true
        let ticks = DispatchSource.makeTimerSource(queue: queue)
        ticks.schedule(deadline: .now() + Self.watchdogInterval, repeating: Self.watchdogInterval)
        ticks.setEventHandler { [unowned self] in self.tick() }
        var others: [any DispatchSourceProtocol] = [ticks]
        if let duration {
            let timer = DispatchSource.makeTimerSource(queue: queue)
            timer.schedule(deadline: .now() + duration)
            timer.setEventHandler { [unowned self] in self.finish(.duration, error: nil) }
            others.append(timer)
        }
        // The epoll descriptors are closed only after libdispatch has let
        // go of them: each set lives until its source's cancellation handler ran.
        sourcesCancelled.enter()
        camera.setCancelHandler { [sourcesCancelled] in
            cameraWatch.removeAll()
            sourcesCancelled.leave()
        }
        sourcesCancelled.enter()
        flips.setCancelHandler { [sourcesCancelled] in
            cardWatch.removeAll()
            sourcesCancelled.leave()
        }
        for source in others {
            sourcesCancelled.enter()
            source.setCancelHandler { [sourcesCancelled] in sourcesCancelled.leave() }
        }
        sources = [camera, flips] + others
        for source in sources { source.resume() }
        updateFlipSource()
    }

    /// Resumes the card's source while a frame waits for the flip in
    /// flight, suspends it otherwise (a suspended source's descriptor
    /// costs libdispatch one epoll_wait when the event comes, and nothing
    /// else until it is resumed).
    func updateFlipSource() {
        guard let flips = flipSource else { return }
        let wanted = stopReason != nil || scheduler.isWaitingForFlip
        guard wanted != flipSourceResumed else { return }
        if wanted { flips.resume() } else { flips.suspend() }
        flipSourceResumed = wanted
    }

    /// Cancels the sources; the card's is resumed first (a suspended
    /// source's cancellation handler would never run).
    func cancelSources() {
        if let flips = flipSource, !flipSourceResumed { flips.resume() }
        flipSource = nil
        for source in sources { source.cancel() }
        sources.removeAll()
    }

    /// Watchdogs and status: a camera that fails without becoming readable,
    /// a stalled camera or a lost flip event ends the run with an error.
    private func tick() {
        guard stopReason == nil else { return }
        if cameraAway != nil {
            lookForCamera()
            return
        }
        checkCameraDescriptor()
        guard stopReason == nil else { return }
        // A flip whose event nobody needed yet is read now, before the
        // watchdog calls it overdue.
        if scheduler.isFlipPending { step { try self.scheduler.takeFlipEvents() } }
        guard stopReason == nil else { return }
        let verdict = watchdog.tick(
            now: monotonicNanoseconds(), captured: scheduler.statistics.captured,
            pendingCommit: scheduler.pendingCommitNanoseconds, cameraTimeout: cameraTimeout, flipTimeout: flipTimeout)
        switch verdict {
        case .fine:
            if watchdog.ticks % 2 == 0 { onStatus?(scheduler.statistics, elapsedSeconds) }
        case .cameraStalled(let seconds):
            finish(.failed, error: PipelineError.cameraStalled(device: stream.device.path, seconds: seconds))
        case .flipOverdue(let seconds):
            finish(.failed, error: PipelineError.flipTimedOut(device: display.card.path, seconds: seconds))
        }
    }

    /// libdispatch only reports a descriptor that polls readable (or hung
    /// up); a V4L2 queue whose driver hit a fatal error polls `POLLERR`
    /// alone, forever. So the watchdog asks poll(2) directly and, on an
    /// error, lets DQBUF say what happened (EIO, ENODEV).
    private func checkCameraDescriptor() {
        guard let fault = PipelineChecks.descriptorFault(of: stream) else { return }
        step { try self.scheduler.cameraReadable() }
        guard stopReason == nil, cameraAway == nil else { return }
        finish(.failed, error: fault)
    }

    /// Runs one scheduler step; an error ends the run. The counters are
    /// published for readers on other threads afterwards.
    func step(_ body: () throws -> Void) {
        guard stopReason == nil else { return }
        do { try body() } catch { finish(.failed, error: error) }
        let counters = scheduler.statistics
        published.withLock { $0 = counters }
        if let limit = frameLimit, counters.shown >= limit { finish(.frameCount, error: nil) }
        if heldFramebuffer != nil { releaseHeldFramebufferIfReplaced() }
        updateFlipSource()
    }

    /// A frame's fate is known: count its latency, pass it on.
    func frameCompleted(_ record: FrameRecord) {
        var record = record
        if let converting, let index = record.bufferIndex, record.outcome != .cameraError, record.outcome != .droppedByCamera {
            record.conversionNanoseconds = converting.conversionNanoseconds(of: index)
        }
        if record.countsTowardLatency, let total = record.totalNanoseconds {
            latency.record(nanoseconds: total)
        }
        onFrame?(record)
    }

    /// Ends the run (the first reason wins) and wakes the waiter.
    func finish(_ reason: StopReason, error: (any Error)?) {
        guard stopReason == nil else { return }
        let failure = error.map { PipelineError.cameraFault($0, device: stream.device.path) }
        if configuration.reconnect, started, let failure, case PipelineError.cameraUnplugged = failure {
            if cameraAway == nil { cameraWentAway() }
            return
        }
        stopReason = reason
        self.failure = failure
        if let failure { logger.debug("pipeline stopping: \(failure)") }
        done.signal()
    }

    var elapsedSeconds: Double {
        startNanoseconds == 0 ? 0 : Double(monotonicNanoseconds() - startNanoseconds) / 1e9
    }
}
