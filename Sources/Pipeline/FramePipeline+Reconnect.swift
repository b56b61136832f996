import Dispatch
import KMS
import Platform
import V4L2

/// Surviving an unplugged camera, per source. The frame on screen stays
/// there: its framebuffer holds a reference to the dma-buf, so the memory
/// stays valid after the camera's buffers are freed and its driver has let
/// go of the node (this is the lifetime problem dma-buf was designed for).
/// Every other framebuffer of that camera, its buffers and its descriptor
/// go; the other sources go on; the watchdog tick looks for the camera;
/// when it is back, the source's chosen candidate is set up on it again
/// (same format, size, rate, memory and display plan) and its lane streams
/// again with its counters carried on. The held framebuffer is removed once
/// a new frame has replaced it on screen.
extension FramePipeline {
    /// Source `index`'s camera is gone (unplugged): keep its frame on
    /// screen, release the camera side, wait.
    func cameraWentAway(_ index: Int) {
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
        Self.logger.warning("camera gone, waiting for it to come back", metadata: ["device": "\(path)"])
        // The flip in flight lands first: which frame stays is known then.
        let deadline = monotonicMilliseconds() + Int(limits.flipTimeout * 1000)
        while scheduler.isFlipPending, monotonicMilliseconds() < deadline {
            if (try? display.card.fd.waitReadable(timeoutMilliseconds: 100)) == true { try? scheduler.takeFlipEvents() }
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
        callbacks.cameraAway?(index, path)
    }

    /// Watchdog tick while source `index`'s camera is away: is it back?
    func lookForCamera(_ index: Int) {
        let source = runs[index]
        guard let away = source.away, !run.cameraSearchPaused,
              let device = VideoDevice.findCapture(busInfo: away.busInfo, path: away.path, kernel: kernel) else { return }
        do {
            try cameraCameBack(index, on: device, away: away)
        } catch {
            // Not usable yet (a driver still setting up): the next tick tries again.
            Self.logger.debug("camera back but not usable yet", metadata: ["device": "\(device.path)", "error": "\(error)"])
        }
    }

    private func cameraCameBack(_ index: Int, on device: VideoDevice, away: CameraAway) throws {
        let source = runs[index]
        let fresh = try FrameAllocation.make(for: source.setup.candidate, device: device, display: display, kernel: kernel)
        do {
            try fresh.completeImports()
        } catch {
            fresh.release()
            throw error
        }
        // From here on the new camera side is the source's.
        source.replaceAllocation(with: fresh)
        stage.framebuffers[index] = fresh.framebuffers
        let camera = source.makeCameraQueue(queue: queue)
        connectConverter(of: source)
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
        Self.logger.warning("camera back", metadata: ["device": "\(device.path)"])
        callbacks.cameraBack?(index, device.path)
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

    /// Whether some source's camera is away and the run waits for it.
    package var isWaitingForCamera: Bool { runs.contains { $0.away != nil } }

    /// While set, a camera that went away is not looked for (tests that
    /// unload and reload its driver first). Use on the pipeline queue.
    package var cameraSearchPaused: Bool {
        get { run.cameraSearchPaused }
        set { run.cameraSearchPaused = newValue }
    }

    /// The composed screen as it is now, read back through the writeback
    /// connector, whether or not the cameras are there (for tests).
    package func captureScreenNow() throws -> WritebackSnapshot {
        dispatchPrecondition(condition: .onQueue(queue))
        return try display.captureWriteback()
    }
}
