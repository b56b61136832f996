import Dispatch
import KMS
import Platform
import V4L2

/// A camera that went away while ``PipelineConfiguration/reconnect`` is on:
/// where it was, so that the same camera is recognised when it comes back.
struct CameraAway {
    /// The node it streamed from.
    let path: String
    /// `VIDIOC_QUERYCAP`'s bus_info: a replugged camera keeps it, whichever
    /// /dev/videoN it gets.
    let busInfo: String
    /// When it went (CLOCK_MONOTONIC).
    let since: Int64
}

/// Surviving an unplugged camera. The frame on screen stays there: its
/// framebuffer holds a reference to the dma-buf, so the memory stays valid
/// after the camera's buffers are freed and its driver has let go of the
/// node (this is the lifetime problem dma-buf was designed for). Every
/// other framebuffer, the buffers and the descriptor go; the watchdog tick
/// looks for the camera; when it is back, the chosen candidate is set up on
/// it again (same format, size, rate, memory and display plan) under a new
/// scheduler that carries the counters on, and the held framebuffer is
/// removed once a new frame has replaced it on screen.
extension FramePipeline {
    /// The camera is gone (unplugged): keep the screen, release the camera
    /// side, wait. Runs on the pipeline queue.
    func cameraWentAway() {
        let path = stream.device.path
        cameraAway = CameraAway(path: path, busInfo: stream.device.capability.busInfo, since: monotonicNanoseconds())
        // Out of the read source's set first: its descriptor polls hung up,
        // level-triggered, until it is closed.
        cameraWatch?.remove(stream.device.fd)
        // The copy path: a conversion still reading the camera's buffer
        // ends before the stream frees it.
        converting?.close()
        logger.warning("camera gone, waiting for it to come back", metadata: ["device": "\(path)"])
        // The flip in flight lands first: which frame stays is known then.
        scheduler.isFrozen = true
        scheduler.isCameraGone = true
        let deadline = monotonicMilliseconds() + Int(flipTimeout * 1000)
        while scheduler.isFlipPending, monotonicMilliseconds() < deadline {
            // The frame it replaced is not queued again (isCameraGone):
            // that buffer is being freed.
            if (try? display.card.fd.waitReadable(timeoutMilliseconds: 100)) == true { try? scheduler.takeFlipEvents() }
        }
        // Kept: the frame on screen, and one committed whose flip never came.
        let kept = [scheduler.pool.onScreen, scheduler.pool.committed].compactMap { $0 }.map { framebuffers[$0.rawValue] }
        for id in framebuffers where !kept.contains(id) { try? display.removeFramebuffer(id) }
        heldFramebuffer = (ids: (heldFramebuffer?.ids ?? []) + kept, flipsBefore: scheduler.statistics.flips)
        // Streaming off, buffers freed, descriptor closed: a driver keeps an
        // unplugged node until its last descriptor closes (vivid
        // re-registers it then, a USB camera's driver lets it go, and a
        // module can be unloaded). The frame on screen keeps its memory
        // through its framebuffer's import of the dma-buf.
        try? stream.stop()
        stream.device.close()
        onCameraAway?(path)
    }

    /// Watchdog tick while the camera is away: is it back?
    func lookForCamera() {
        guard let away = cameraAway, !cameraSearchPaused,
              let device = VideoDevice.findCapture(busInfo: away.busInfo, path: away.path, kernel: kernel) else { return }
        do {
            try cameraCameBack(device, away: away)
        } catch {
            // Not usable yet (a driver still setting up): the next tick
            // tries again.
            logger.debug("camera back but not usable yet", metadata: ["device": "\(device.path)", "error": "\(error)"])
        }
    }

    private func cameraCameBack(_ device: VideoDevice, away: CameraAway) throws {
        let fresh = try FrameAllocation.make(for: candidate, device: device, display: display, kernel: kernel)
        do {
            try fresh.completeImports()
        } catch {
            fresh.release()
            throw error
        }
        // From here on the new camera side is the pipeline's.
        scheduler.finish()
        heldAllocation = allocation
        allocation = fresh
        stream = fresh.stream
        framebuffers = fresh.framebuffers
        var statistics = scheduler.statistics
        statistics.cameraReconnects += 1
        statistics.secondsWithoutCamera += Double(monotonicNanoseconds() - away.since) / 1e9
        let copyStatistics = converting?.statistics
        (scheduler, converting) = Self.makeScheduler(allocation: fresh, display: display, queue: queue)
        connectScheduler()
        scheduler.statistics = statistics
        // The copy path's counters go on too: every frame shown is a converted one.
        if let copyStatistics { converting?.statistics = copyStatistics }
        scheduler.modesetFlipSeen = true
        scheduler.shownLimit = frameLimit
        heldFramebuffer?.flipsBefore = statistics.flips
        cameraAway = nil
        do {
            try stream.start()
        } catch {
            finish(.failed, error: error)
            return
        }
        do {
            try cameraWatch?.add(stream.device.fd)
        } catch {
            finish(.failed, error: error)
            return
        }
        watchdog.reset(at: monotonicNanoseconds())
        logger.warning("camera back", metadata: ["device": "\(device.path)"])
        onCameraBack?(device.path)
    }

    /// Once a frame from the returned camera has been flipped to, the
    /// framebuffers left on screen when it went are removed.
    func releaseHeldFramebufferIfReplaced() {
        guard let held = heldFramebuffer, cameraAway == nil, scheduler.statistics.flips > held.flipsBefore else { return }
        for id in held.ids { try? display.removeFramebuffer(id) }
        heldFramebuffer = nil
        heldAllocation = nil
    }

    /// The composed screen as it is now, read back through the writeback
    /// connector, whether or not the camera is there (for tests).
    package func captureScreenNow() throws -> WritebackSnapshot {
        dispatchPrecondition(condition: .onQueue(queue))
        return try display.captureWriteback()
    }

    /// Runs `body` on the pipeline queue and returns its result (for tests
    /// that look at or freeze the pipeline while it runs).
    package func onQueue<Result>(_ body: () throws -> Result) rethrows -> Result {
        try queue.sync(execute: body)
    }

    /// Whether the camera is away and the run waits for it.
    package var isWaitingForCamera: Bool { cameraAway != nil }
}
