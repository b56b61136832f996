import KMS
import Platform
import V4L2

/// The end of a run: teardown in reverse order of setup, and the summary.
extension FramePipeline {
    /// Reverse order of setup: frames still in flight are reported; the
    /// display goes first (restore what was on screen, remove framebuffers,
    /// close GEM handles, drop master), then the camera (STREAMOFF, free
    /// buffers, close dma-bufs). Every step runs.
    func teardown() -> (any Error)? {
        guard !tornDown else { return nil }
        tornDown = true
        stoppedAfterSeconds = elapsedSeconds
        planeShown = display.activePlane?.id.rawValue
        // A flip that completed since the last frame has its event still
        // waiting (they are read at the next frame): count it as shown.
        if started, scheduler.isFlipPending { try? scheduler.takeFlipEvents() }
        // A conversion still running writes into a display buffer and reads
        // a camera buffer: it ends before either is unmapped.
        converting?.close()
        scheduler.finish()
        let displayErrors = display.close()
        scheduler.displayReleasedAll()
        var first: (any Error)? = displayErrors.first
        do { try stream.stop() } catch { if first == nil { first = error } }
        let counters = scheduler.statistics
        published.withLock { $0 = counters }
        return first
    }

    func makeSummary() -> PipelineSummary {
        let plan = display.plan
        return PipelineSummary(
            camera: stream.device.path, card: display.card.path,
            format: copyPath.map { _ in "\(stream.format.fourcc) copied to \(candidate.pixelFormat.description)" } ?? candidate.pixelFormat.description,
            width: Int(stream.format.width), height: Int(stream.format.height), bufferCount: framebuffers.count,
            connector: plan.connector.name, mode: plan.mode.description, plane: planeShown ?? display.activePlane?.id.rawValue,
            atomic: display.usesAtomic, memory: candidate.memory.description, placement: display.plan.placement.rawValue,
            plan: self.plan.summary, statistics: scheduler.statistics, latency: latency.summary,
            seconds: stoppedAfterSeconds ?? elapsedSeconds, stopReason: stopReason ?? .requested,
            framebuffersFromCaptureBuffers: converting == nil ? framebuffers.count : 0, poolViolations: scheduler.pool.violations,
            copyPath: copyPath, copy: converting?.statistics)
    }

    /// "YUYV 640x480 → XRGB8888 (libyuv)" on the copy path.
    private var copyPath: String? {
        guard case .copy(let format) = candidate.memory else { return nil }
        let scaled = candidate.copyLayout.map { " scaled to \($0.targetDescription)" } ?? ""
        return "\(format.rawValue) \(stream.format.width)x\(stream.format.height) → XRGB8888\(scaled) (libyuv)"
    }
}
