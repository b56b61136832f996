import KMS
import Platform
import V4L2

#if canImport(Glibc)
import Glibc
#endif

/// The events of a run (whichever loop delivers them), the watchdog tick,
/// a source's failure, and how a run comes to its end. Everything here runs
/// on the pipeline queue.
extension FramePipeline {
    /// How often the watchdogs run (and poll the cameras for errors that
    /// never make a descriptor readable), in nanoseconds.
    static let watchdogIntervalNanoseconds: Int64 = 250_000_000

    /// Routes the scheduler's frame records and requests to the pipeline.
    func connectScheduler() {
        scheduler.onFrame = { [unowned self] record in frameCompleted(record) }
        scheduler.onScreenReleased = { [unowned self] source in screenReleased(source) }
        scheduler.onCommitDue = { [unowned self] time in loop.scheduleCommit(at: time) }
        for source in runs { connectConverter(of: source) }
    }

    /// On the copy path, each converted frame goes to the scheduler.
    func connectConverter(of source: SourceRun) {
        let index = source.index
        source.converting?.onConverted = { [unowned self] in step(index) { try scheduler.cameraReadable(index) } }
    }

    func installEvents(duration: Double?) throws {
        scheduler.shownLimit = run.frameLimit
        scheduler.commitLeadNanoseconds = limits.commitLeadMilliseconds.map { Int64($0 * 1e6) }
        let events = PipelineEvents(
            cameraReadable: { [unowned self] index in cameraReadable(index) },
            cardReadable: { [unowned self] in step(nil) { try scheduler.displayReadable() } },
            commitDue: { [unowned self] in step(nil) { try scheduler.commitDue() } },
            tick: { [unowned self] in tick() },
            durationElapsed: { [unowned self] in finish(.duration, error: nil) })
        try loop.start(
            card: display.card.fd, events: events, tickNanoseconds: Self.watchdogIntervalNanoseconds,
            durationNanoseconds: duration.map { Int64($0 * 1e9) })
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
    func updateCardWanted() {
        loop.setCardWanted(run.stopReason != nil || scheduler.isWaitingForFlip)
    }

    /// Runs one scheduler step for source `source` (nil: the display's).
    /// An error is that source's failure (``sourceFailed(_:error:)``) when
    /// it names one of the cameras, else it ends the run. The counters are
    /// published for readers on other threads afterwards, in place.
    func step(_ source: Int?, _ body: () throws -> Void) {
        guard run.stopReason == nil else { return }
        do {
            try body()
        } catch {
            if let failed = self.source(of: error) ?? source {
                sourceFailed(failed, error: error)
            } else {
                finish(.failed, error: error)
            }
        }
        published.withLock { counters in
            for index in counters.indices { counters[index] = scheduler.lanes[index].statistics }
        }
        if let limit = run.frameLimit, run.stopReason == nil {
            var streaming = 0, reached = 0
            for lane in scheduler.lanes where lane.state == .active || lane.state == .away {
                streaming += 1
                if lane.statistics.shown >= limit { reached += 1 }
            }
            if streaming > 0, reached == streaming { finish(.frameCount, error: nil) }
        }
        updateCardWanted()
    }

    /// The source whose camera an error names, if it names one.
    private func source(of error: any Error) -> Int? {
        let device: String
        switch error {
        case let failure as DeviceError: device = failure.device
        case PipelineError.bufferNotReturned(let path, _, _), PipelineError.dataOffsetChanged(let path, _, _, _): device = path
        default: return nil
        }
        return runs.firstIndex { $0.cameraPath == device }
    }

    /// Source `index` failed. With `reconnect` an unplugged camera is
    /// waited for (its last frame stays); with `onSourceLoss: continue` the
    /// source's plane goes off with the next commit and the others go on
    /// (the run ends when none is left); otherwise the run ends with the
    /// error. An error of the card ends the run whatever the policy.
    func sourceFailed(_ index: Int, error: any Error) {
        let fault = PipelineError.cameraFault(error, device: runs[index].cameraPath)
        if configuration.reconnect, run.started, case PipelineError.cameraUnplugged = fault {
            if runs[index].away == nil { cameraWentAway(index) }
            return
        }
        guard configuration.onSourceLoss == .continue, runs[index].lost == nil, !isDisplayError(fault) else {
            return finish(.failed, error: fault)
        }
        runs[index].lost = "\(fault)"
        Self.logger.warning("source lost; the others go on", metadata: ["camera": "\(runs[index].cameraPath)", "error": "\(fault)"])
        // Its descriptor may poll hung up until teardown closes it: nothing wakes for it.
        loop.unwatchCamera(index, runs[index].stream.device.fd)
        callbacks.sourceLost?(index, fault)
        do {
            try scheduler.sourceLost(index)
        } catch {
            return finish(.failed, error: error)
        }
        if scheduler.activeLanes == 0, !runs.contains(where: { $0.away != nil }) { finish(.failed, error: fault) }
    }

    /// Errors of the card, which no source's loss explains.
    private func isDisplayError(_ error: any Error) -> Bool {
        if error is DisplayError || error is KMSError { return true }
        if let failure = error as? DeviceError { return failure.device == display.card.path }
        return false
    }

    /// Watchdogs and status: a camera that fails without becoming readable
    /// or stalls is that source's failure; a lost flip event ends the run;
    /// a camera that went away is looked for.
    private func tick() {
        guard run.stopReason == nil else { return }
        let now = loop.now()
        for source in runs where source.lost == nil {
            if source.away != nil {
                lookForCamera(source.index)
                continue
            }
            if let fault = PipelineChecks.descriptorFault(of: source.stream) {
                // DQBUF says more (EIO, ENODEV) than poll(2) does.
                step(source.index) { try scheduler.cameraReadable(source.index) }
                guard run.stopReason == nil else { return }
                if source.away == nil, source.lost == nil { sourceFailed(source.index, error: fault) }
                continue
            }
            let verdict = source.watchdog.tick(
                now: now, captured: scheduler.lanes[source.index].statistics.captured, pendingCommit: nil,
                cameraTimeout: limits.cameraTimeout, flipTimeout: limits.flipTimeout)
            if case .cameraStalled(let seconds) = verdict {
                sourceFailed(source.index, error: PipelineError.cameraStalled(device: source.cameraPath, seconds: seconds))
            }
            guard run.stopReason == nil else { return }
        }
        // A flip whose event nobody needed yet is read now, before it counts as overdue.
        if scheduler.isFlipPending { step(nil) { try scheduler.takeFlipEvents() } }
        guard run.stopReason == nil else { return }
        if let pending = scheduler.pendingCommitNanoseconds, Double(now - pending) / 1e9 > limits.flipTimeout {
            return finish(.failed, error: PipelineError.flipTimedOut(device: display.card.path, seconds: Double(now - pending) / 1e9))
        }
        run.ticks += 1
        if run.ticks % 2 == 0 { callbacks.status?(scheduler.lanes.map(\.statistics), elapsedSeconds) }
    }

    /// A frame's fate is known: count its latency, pass it on.
    private func frameCompleted(_ record: FrameRecord) {
        var record = record
        let source = runs[record.source]
        if let converting = source.converting, let index = record.bufferIndex, record.outcome != .cameraError, record.outcome != .droppedByCamera {
            record.conversionNanoseconds = converting.conversionNanoseconds(of: index)
        }
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

    var elapsedSeconds: Double {
        run.startNanoseconds == 0 ? 0 : Double(loop.now() - run.startNanoseconds) / 1e9
    }
}
