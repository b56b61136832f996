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

    func installSources(duration: Double?) {
        let camera = DispatchSource.makeReadSource(fileDescriptor: stream.fileDescriptor, queue: queue)
        camera.setEventHandler { [unowned self] in
            self.step { try self.scheduler.cameraReadable() }
        }
        let flips = DispatchSource.makeReadSource(fileDescriptor: display.fileDescriptor, queue: queue)
        flips.setEventHandler { [unowned self] in
            self.step { try self.scheduler.displayReadable() }
            if let limit = self.frameLimit, self.scheduler.statistics.shown >= limit {
                self.finish(.frameCount, error: nil)
            }
        }
        let ticks = DispatchSource.makeTimerSource(queue: queue)
        ticks.schedule(deadline: .now() + Self.watchdogInterval, repeating: Self.watchdogInterval)
        ticks.setEventHandler { [unowned self] in self.tick() }
        sources = [camera, flips, ticks]
        if let duration {
            let timer = DispatchSource.makeTimerSource(queue: queue)
            timer.schedule(deadline: .now() + duration)
            timer.setEventHandler { [unowned self] in self.finish(.duration, error: nil) }
            sources.append(timer)
        }
        for source in sources {
            sourcesCancelled.enter()
            source.setCancelHandler { [sourcesCancelled] in sourcesCancelled.leave() }
            source.resume()
        }
    }

    /// Watchdogs and status: a camera that fails without becoming readable,
    /// a stalled camera or a lost flip event ends the run with an error.
    private func tick() {
        guard stopReason == nil else { return }
        checkCameraDescriptor()
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
        let problems = stream.device.fd.pollNow() & (POLLERR | POLLHUP | POLLNVAL)
        guard problems != 0 else { return }
        step { try self.scheduler.cameraReadable() }
        guard stopReason == nil else { return }
        var names: [String] = []
        if problems & POLLERR != 0 { names.append("POLLERR") }
        if problems & POLLHUP != 0 { names.append("POLLHUP") }
        if problems & POLLNVAL != 0 { names.append("POLLNVAL") }
        let device = stream.device.path
        finish(.failed, error: problems & POLLHUP != 0
            ? PipelineError.cameraUnplugged(device: device)
            : PipelineError.cameraFailed(device: device, cause: "poll reports \(names.joined(separator: "|"))"))
    }

    /// Runs one scheduler step; an error ends the run. The counters are
    /// published for readers on other threads afterwards.
    func step(_ body: () throws -> Void) {
        guard stopReason == nil else { return }
        do { try body() } catch { finish(.failed, error: error) }
        let counters = scheduler.statistics
        published.withLock { $0 = counters }
    }

    /// A frame's fate is known: count its latency, pass it on.
    func frameCompleted(_ record: FrameRecord) {
        if record.countsTowardLatency, let total = record.totalNanoseconds {
            latency.record(nanoseconds: total)
        }
        onFrame?(record)
    }

    /// Ends the run (the first reason wins) and wakes the waiter.
    func finish(_ reason: StopReason, error: (any Error)?) {
        guard stopReason == nil else { return }
        stopReason = reason
        failure = error.map { PipelineError.cameraFault($0, device: stream.device.path) }
        if let failure { logger.debug("pipeline stopping: \(failure)") }
        done.signal()
    }

    var elapsedSeconds: Double {
        startNanoseconds == 0 ? 0 : Double(monotonicNanoseconds() - startNanoseconds) / 1e9
    }
}
