import Dispatch
import KMS
import Platform
import V4L2

#if canImport(Glibc)
import Glibc
#endif

/// The event loop of several sources: a read source per camera and one on
/// the card (always resumed: with several cameras a flip's event is what
/// lets the waiting sources' frames go), the watchdog tick, and how a
/// source's loss and the run's end are handled. All on the pipeline queue.
/// As for one camera, each read source watches a ``ReadinessSet`` holding
/// its device, never the device itself (libdispatch crashes on a watched
/// descriptor that hangs up).
extension CompositePipeline {
    func installSources(duration: Double?) throws {
        for index in streams.indices {
            let watch = try ReadinessSet(name: "\(streams[index].device.path) (epoll)", kernel: kernel)
            try watch.add(streams[index].device.fd)
            watches.append(watch)
            let camera = DispatchSource.makeReadSource(fileDescriptor: watch.fileDescriptor, queue: queue)
            camera.setEventHandler { [unowned self] in
                guard stopReason == nil else { return watch.removeAll() }
                step(source: index) { try self.scheduler.cameraReadable(index) }
            }
            sourcesCancelled.enter()
            camera.setCancelHandler { [sourcesCancelled] in
                watch.removeAll()
                sourcesCancelled.leave()
            }
            cameraSources[index] = camera
        }
        let cardWatch = try ReadinessSet(name: "\(display.card.path) (epoll)", kernel: kernel)
        try cardWatch.add(display.card.fd)
        watches.append(cardWatch)
        let flips = DispatchSource.makeReadSource(fileDescriptor: cardWatch.fileDescriptor, queue: queue)
        flips.setEventHandler { [unowned self] in
            guard stopReason == nil else { return cardWatch.removeAll() }
            step(source: nil) { try self.scheduler.displayReadable() }
        }
        // The gathered commit's timer, one-shot, re-armed by the scheduler.
        let due = DispatchSource.makeTimerSource(queue: queue)
        due.schedule(deadline: .distantFuture)
        due.setEventHandler { [unowned self] in step(source: nil) { try self.scheduler.commitDue() } }
        scheduler.commitLeadNanoseconds = commitLeadMilliseconds.map { Int64($0 * 1e6) }
        scheduler.onCommitDue = { time in
            due.schedule(deadline: .now() + .nanoseconds(Int(max(0, time - monotonicNanoseconds()))), leeway: .microseconds(100))
        }
        let ticks = DispatchSource.makeTimerSource(queue: queue)
        ticks.schedule(deadline: .now() + FramePipeline.watchdogInterval, repeating: FramePipeline.watchdogInterval)
        ticks.setEventHandler { [unowned self] in tick() }
        otherSources = [flips, due, ticks]
        if let duration {
            let timer = DispatchSource.makeTimerSource(queue: queue)
            timer.schedule(deadline: .now() + duration)
            timer.setEventHandler { [unowned self] in finish(.duration, error: nil) }
            otherSources.append(timer)
        }
        sourcesCancelled.enter()
        flips.setCancelHandler { [sourcesCancelled] in
            cardWatch.removeAll()
            sourcesCancelled.leave()
        }
        for source in otherSources.dropFirst() {  // the card's (first) has its handler above
            sourcesCancelled.enter()
            source.setCancelHandler { [sourcesCancelled] in sourcesCancelled.leave() }
        }
        for camera in cameraSources { camera?.resume() }
        for source in otherSources { source.resume() }
    }

    /// Cancels every dispatch source (a lost camera's was cancelled already;
    /// cancelling again does nothing).
    func cancelSources() {
        for source in cameraSources { source?.cancel() }
        for source in otherSources { source.cancel() }
        otherSources.removeAll()
    }

    /// Runs one scheduler step. An error of a camera's step is that
    /// source's loss (``sourceFailed(_:error:)``); any other ends the run.
    func step(source: Int?, _ body: () throws -> Void) {
        guard stopReason == nil else { return }
        do {
            try body()
        } catch {
            if let source {
                sourceFailed(source, error: error)
            } else {
                finish(.failed, error: error)
            }
        }
        // In place, without allocating: this runs for every frame.
        published.withLock { counters in
            for index in counters.indices { counters[index] = scheduler.lanes[index].statistics }
        }
        if let limit = frameLimit, stopReason == nil {
            var streaming = 0, reached = 0
            for lane in scheduler.lanes where lane.state == .active {
                streaming += 1
                if lane.statistics.shown >= limit { reached += 1 }
            }
            if streaming > 0, reached == streaming { finish(.frameCount, error: nil) }
        }
    }

    /// Source `index` failed: the run ends with its error, or with
    /// `onSourceLoss: continue` its camera's source is cancelled, its plane
    /// goes off with the next commit and the others go on (the run ends
    /// when none is left).
    func sourceFailed(_ index: Int, error: any Error) {
        let fault = PipelineError.cameraFault(error, device: streams[index].device.path)
        guard configuration.onSourceLoss == .continue, lost[index] == nil, !isDisplayError(fault) else {
            finish(.failed, error: fault)
            return
        }
        lost[index] = "\(fault)"
        logger.warning("source lost; the others go on", metadata: ["camera": "\(streams[index].device.path)", "error": "\(fault)"])
        // Its descriptor may poll hung up until teardown closes it: out of
        // its read source's set, so that nothing wakes for it.
        watches[index].remove(streams[index].device.fd)
        onSourceLost?(index, fault)
        do {
            try scheduler.sourceLost(index)
        } catch {
            finish(.failed, error: error)
            return
        }
        if scheduler.activeSources == 0 { finish(.failed, error: fault) }
    }

    /// Errors of the card, which no source's loss explains.
    private func isDisplayError(_ error: any Error) -> Bool {
        if error is DisplayError || error is KMSError { return true }
        if let failure = error as? DeviceError { return failure.device == display.card.path }
        return false
    }

    /// Watchdogs and status: each source's stall and fatal error, the flip
    /// in flight, twice a second the status callback.
    private func tick() {
        guard stopReason == nil else { return }
        let now = monotonicNanoseconds()
        for index in streams.indices where scheduler.lanes[index].state == .active {
            if let fault = PipelineChecks.descriptorFault(of: streams[index]) {
                step(source: index) { try self.scheduler.cameraReadable(index) }
                guard stopReason == nil else { return }
                if scheduler.lanes[index].state == .active { sourceFailed(index, error: fault) }
                continue
            }
            let verdict = watchdogs[index].tick(
                now: now, captured: scheduler.lanes[index].statistics.captured, pendingCommit: nil,
                cameraTimeout: cameraTimeout, flipTimeout: flipTimeout)
            if case .cameraStalled(let seconds) = verdict {
                sourceFailed(index, error: PipelineError.cameraStalled(device: streams[index].device.path, seconds: seconds))
            }
            guard stopReason == nil else { return }
        }
        if scheduler.isFlipPending { step(source: nil) { try self.scheduler.takeFlipEvents() } }
        guard stopReason == nil else { return }
        let captured = scheduler.lanes.reduce(0) { $0 + $1.statistics.captured }
        let verdict = flipWatchdog.tick(
            now: now, captured: captured, pendingCommit: scheduler.pendingCommitNanoseconds,
            cameraTimeout: .infinity, flipTimeout: flipTimeout)
        if case .flipOverdue(let seconds) = verdict {
            finish(.failed, error: PipelineError.flipTimedOut(device: display.card.path, seconds: seconds))
        } else if flipWatchdog.ticks % 2 == 0 {
            onStatus?(scheduler.lanes.map(\.statistics), elapsedSeconds)
        }
    }

    /// A lost source's plane is off: its framebuffers go now (nothing
    /// scans them out); its buffers and descriptor at teardown, once its
    /// read source has let go.
    func removeFramebuffers(of index: Int) {
        guard !framebuffersRemoved[index] else { return }
        framebuffersRemoved[index] = true
        for framebuffer in framebuffers[index] {
            do { try display.removeFramebuffer(framebuffer) } catch {
                logger.warning("framebuffer of a lost source not removed", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Ends the run (the first reason wins) and wakes the waiter.
    func finish(_ reason: StopReason, error: (any Error)?) {
        guard stopReason == nil else { return }
        stopReason = reason
        failure = error
        if let error { logger.debug("pipeline stopping: \(error)") }
        done.signal()
    }

    var elapsedSeconds: Double {
        startNanoseconds == 0 ? 0 : Double(monotonicNanoseconds() - startNanoseconds) / 1e9
    }
}
