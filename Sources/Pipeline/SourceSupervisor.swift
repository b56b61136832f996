import KMS
import Platform
import V4L2

/// What becomes of a source whose camera fails: its watchdog (a camera
/// that stalls, or errs without ever becoming readable), the policy when
/// it fails (the run ends; with `onSourceLoss: continue` its plane goes off
/// and the others go on; with `reconnect` an unplugged camera is waited
/// for), and the camera's return.
///
/// Surviving an unplugged camera: the frame on screen stays there, since
/// its framebuffer holds a reference to the dma-buf, so the memory stays
/// valid after the camera's buffers are freed and its driver has let go of
/// the node (the lifetime problem dma-buf was designed for). Every other
/// framebuffer of that camera, its buffers and its descriptor go; the
/// other sources go on; each watchdog tick looks for the camera; when it
/// is back, the source's chosen candidate is set up on it again (same
/// format, size, rate, memory and display plan) and its lane streams again
/// with its counters carried on. The held framebuffer goes once a new
/// frame has replaced it on screen.
///
/// Everything runs on the runtime's queue.
final class SourceSupervisor {
    private unowned let runtime: PipelineRuntime

    init(runtime: PipelineRuntime) {
        self.runtime = runtime
    }

    private var runs: [SourceRun] { runtime.runs }
    private var scheduler: Scheduler { runtime.scheduler }
    private var loop: any PipelineEventLoop { runtime.loop }

    /// The source whose camera an error names, if it names one.
    func source(of error: any Error) -> Int? {
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
        let configuration = runtime.configuration
        let fault = PipelineError.cameraFault(error, device: runs[index].cameraPath)
        if configuration.reconnect, runtime.run.started, case PipelineError.cameraUnplugged = fault {
            if runs[index].away == nil { cameraWentAway(index) }
            return
        }
        guard configuration.onSourceLoss == .continue, runs[index].lost == nil, !isDisplayError(fault) else {
            return runtime.finish(.failed, error: fault)
        }
        runs[index].lost = "\(fault)"
        PipelineRuntime.logger.warning("source lost; the others go on", metadata: ["camera": "\(runs[index].cameraPath)", "error": "\(fault)"])
        // Its descriptor may poll hung up until teardown closes it: nothing wakes for it.
        loop.unwatchCamera(index, runs[index].stream.device.fd)
        runtime.callbacks.sourceLost?(index, fault)
        do {
            try scheduler.sourceLost(index)
        } catch {
            return runtime.finish(.failed, error: error)
        }
        if scheduler.activeLanes == 0, !runs.contains(where: { $0.away != nil }) { runtime.finish(.failed, error: fault) }
    }

    /// Errors of the card, which no source's loss explains.
    private func isDisplayError(_ error: any Error) -> Bool {
        if error is DisplayError || error is KMSError { return true }
        if let failure = error as? DeviceError { return failure.device == runtime.display.card.path }
        return false
    }

    /// Each source's watchdog at `now`: a camera away is looked for; one in
    /// error (which poll(2) sees and DQBUF explains) or stalled fails.
    func check(now: Int64) {
        for source in runs where source.lost == nil && !source.reachedLimit {
            if source.away != nil {
                lookForCamera(source.index)
                continue
            }
            if let fault = PipelineChecks.descriptorFault(of: source.stream) {
                // DQBUF says more (EIO, ENODEV) than poll(2) does.
                runtime.step(source.index) { try scheduler.cameraReadable(source.index) }
                guard runtime.run.stopReason == nil else { return }
                if source.away == nil, source.lost == nil { sourceFailed(source.index, error: fault) }
                continue
            }
            let verdict = source.watchdog.tick(
                now: now, captured: scheduler.lanes[source.index].statistics.captured, pendingCommit: nil,
                cameraTimeoutNanoseconds: runtime.limits.cameraTimeoutNanoseconds, flipTimeoutNanoseconds: runtime.limits.flipTimeoutNanoseconds)
            if case .cameraStalled(let idle) = verdict {
                sourceFailed(source.index, error: PipelineError.cameraStalled(device: source.cameraPath, after: .nanoseconds(idle)))
            }
            guard runtime.run.stopReason == nil else { return }
        }
    }

    // MARK: A camera away and back

    /// Source `index`'s camera is gone (unplugged): keep its frame on
    /// screen, release the camera side, wait.
    private func cameraWentAway(_ index: Int) {
        let source = runs[index]
        let path = source.cameraPath
        source.away = CameraAway(path: path, busInfo: source.stream.device.capability.busInfo, since: loop.now())
        // Out of the event loop first: its descriptor polls hung up,
        // level-triggered, until it is closed.
        loop.unwatchCamera(index, source.stream.device.fd)
        // The copy path: a conversion still reading the camera's buffer
        // ends before the stream frees it.
        source.converting?.close()
        scheduler.cameraWentAway(index)
        PipelineRuntime.logger.warning("camera gone, waiting for it to come back", metadata: ["device": "\(path)"])
        // The flip in flight lands first: which frame stays is known then.
        let deadline = monotonicMilliseconds() + Int(runtime.limits.flipTimeoutNanoseconds / 1_000_000)
        while scheduler.isFlipPending, monotonicMilliseconds() < deadline {
            if (try? runtime.display.card.fd.waitReadable(timeoutMilliseconds: 100)) == true { try? scheduler.takeFlipEvents() }
        }
        // Kept: the frame on screen, and one committed whose flip never came.
        let lane = scheduler.lanes[index]
        let kept = [lane.onScreen, lane.committed].compactMap { $0 }.map { source.framebuffers[$0.rawValue] }
        source.allocation.removeFramebuffers(keeping: kept)
        // Streaming off, buffers freed, descriptor closed: a driver keeps an
        // unplugged node until its last descriptor closes (vivid
        // re-registers it then, a USB camera's driver lets it go, and a
        // module can be unloaded).
        try? source.stream.stop()
        source.stream.device.close()
        runtime.callbacks.cameraAway?(index, path)
    }

    /// Watchdog tick while source `index`'s camera is away: is it back?
    private func lookForCamera(_ index: Int) {
        guard let away = runs[index].away, !runtime.run.cameraSearchPaused, let device = findCamera(index, away: away) else { return }
        do {
            try cameraCameBack(index, on: device, away: away)
        } catch {
            // Not usable yet (a driver still setting up): the next tick tries again.
            PipelineRuntime.logger.debug("camera back but not usable yet", metadata: ["device": "\(device.path)", "error": "\(error)"])
        }
    }

    /// The camera of source `index` if it is back: a media-controller
    /// node by its entity in a media device of the same driver and model
    /// (every node of vimc's shares one bus_info), others by bus_info.
    private func findCamera(_ index: Int, away: CameraAway) -> VideoDevice? {
        guard let chain = runtime.media[index]?.chain else {
            return VideoDevice.findCapture(busInfo: away.busInfo, path: away.path, kernel: runtime.kernel)
        }
        guard let path = MediaDevice.node(ofEntity: chain.videoNode.name, driver: chain.graph.driver, model: chain.graph.model, kernel: runtime.kernel) else { return nil }
        return try? VideoDevice.open(path, kernel: runtime.kernel)
    }

    private func cameraCameBack(_ index: Int, on device: VideoDevice, away: CameraAway) throws {
        let source = runs[index]
        // A media pipeline comes back with its driver's defaults: prepared
        // again as at setup (the pads found now are what teardown puts back;
        // the old device's are gone with it).
        let session = runtime.media[index] == nil ? nil : try MediaSession.prepare(device, entry: runtime.sourceEntry(index), kernel: runtime.kernel)
        let fresh: FrameAllocation
        do {
            fresh = try FrameAllocation.make(for: source.setup.candidate, device: device, display: runtime.display, kernel: runtime.kernel)
            do {
                try fresh.completeImports()
            } catch {
                fresh.release()
                throw error
            }
        } catch {
            try? session?.restore(evenIfKept: true)
            throw error
        }
        if let session { runtime.media[index] = session }
        // From here on the new camera side is the source's.
        source.replaceAllocation(with: fresh)
        runtime.stage.framebuffers[index] = fresh.framebuffers
        let camera = source.makeCameraQueue(queue: runtime.queue)
        runtime.connectConverter(of: source)
        scheduler.cameraReturned(index, camera: camera, bufferCount: source.bufferCount)
        var statistics = scheduler.lanes[index].statistics
        statistics.cameraReconnects += 1
        statistics.secondsWithoutCamera += Double(loop.now() - away.since) / 1e9
        scheduler.setStatistics(statistics, of: index)
        source.away = nil
        do {
            try fresh.stream.start()
            try loop.watchCamera(index, fresh.stream.device.fd)
        } catch {
            sourceFailed(index, error: error)
            return
        }
        source.watchdog.reset(at: loop.now())
        PipelineRuntime.logger.warning("camera back", metadata: ["device": "\(device.path)"])
        runtime.callbacks.cameraBack?(index, device.path)
    }

    /// What source `index` had on screen is gone: a lost source's plane is
    /// off (its framebuffers go now; its buffers and descriptor at
    /// teardown), or a returned camera's first frame replaced the one the
    /// camera before it left (its framebuffers and buffers go).
    func screenReleased(_ index: Int) {
        let source = runs[index]
        if source.lost != nil, !source.framebuffersRemoved {
            source.framebuffersRemoved = true
            source.allocation.removeFramebuffers(keeping: [])
        }
        source.releasePrevious()
    }
}
