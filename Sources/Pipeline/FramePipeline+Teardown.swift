import Dispatch
import KMS
import Platform
import V4L2

/// The end of a run: teardown in reverse order of setup, the summary, and
/// the snapshot tests and `--snapshot` take.
extension FramePipeline {
    /// Reverse order of setup: frames still in flight are reported; a
    /// conversion still running ends; the display goes first (restore what
    /// was on screen, remove framebuffers, close GEM handles, drop master),
    /// then each camera (STREAMOFF, free buffers, close dma-bufs). Every
    /// step runs.
    func teardown() -> (any Error)? {
        guard !run.tornDown else { return nil }
        run.tornDown = true
        run.stoppedAfterSeconds = elapsedSeconds
        // A flip that completed since the last frame has its event still
        // waiting (they are read at the next frame): count it as shown.
        if run.started, scheduler.isFlipPending { try? scheduler.takeFlipEvents() }
        // A conversion still running writes into a display buffer and reads
        // a camera buffer: it ends before either is unmapped.
        for source in runs { source.converting?.close() }
        scheduler.finish()
        let activePlane = display.activePlane?.id.rawValue
        let displayErrors = display.close()
        scheduler.displayReleasedAll()
        var first: (any Error)? = displayErrors.first
        for source in runs where run.started {
            do { try source.stream.stop() } catch where source.lost != nil || source.away != nil {
                // A camera that went away cannot stop streaming; it is closed below.
            } catch {
                if first == nil { first = error }
            }
        }
        for source in runs {
            source.releasePrevious()
            source.allocation.release()
        }
        let counters = scheduler.lanes.map(\.statistics)
        published.withLock { $0 = counters }
        run.activePlane = activePlane
        return first
    }

    func makeSummary() -> PipelineSummary {
        let plan = display.plan
        let seconds = run.stoppedAfterSeconds ?? elapsedSeconds
        let summaries = runs.map { source in
            let statistics = scheduler.lanes[source.index].statistics
            let candidate = source.setup.candidate
            return SourceSummary(
                camera: source.cameraPath,
                format: source.copyPath.map { _ in "\(source.stream.format.fourcc) copied to \(candidate.pixelFormat.description)" }
                    ?? candidate.pixelFormat.description,
                width: Int(source.stream.format.width), height: Int(source.stream.format.height), bufferCount: source.bufferCount,
                plane: candidate.display.plane?.id.rawValue ?? run.activePlane,
                memory: candidate.memory.description, placement: candidate.display.placement.rawValue,
                plan: source.setup.plan.summary, statistics: statistics, latency: source.latency.summary,
                shownPerSecond: seconds > 0 ? Double(statistics.shown) / seconds : 0,
                framebuffersFromCaptureBuffers: source.converting == nil ? source.framebuffers.count : 0,
                poolViolations: scheduler.lanes[source.index].pool.violations,
                copyPath: source.copyPath, copy: source.copyStatistics, lost: source.lost)
        }
        return PipelineSummary(
            sources: summaries, card: display.card.path, connector: plan.connector.name, mode: plan.mode.description,
            atomic: display.usesAtomic, commits: scheduler.commits, seconds: seconds, stopReason: run.stopReason ?? .requested)
    }

    /// Freezes scheduling, lets the commit in flight land, and reads the
    /// composed screen back through the writeback connector, with each
    /// source's buffer on screen and its layout. The frames on screen stay
    /// there (and out of the cameras' hands) throughout. Call on the
    /// pipeline queue (from the `beforeTeardown` hook of ``wait(beforeTeardown:)``).
    public func snapshot() throws -> PipelineSnapshot {
        try withFramesOnScreen { buffers in
            let layers = runs.map { source in
                PipelineSnapshot.Layer(bufferIndex: buffers[source.index], layout: source.setup.candidate.display.layout)
            }
            return PipelineSnapshot(screen: try display.captureWriteback(), layers: layers)
        }
    }

    /// Freezes scheduling, lets the commit in flight land, and calls `body`
    /// with each source's buffer on screen (nil for a source with none),
    /// which stay there until `body` returns (for tests that read what a
    /// card without writeback scans out). Call from `beforeTeardown`.
    package func withFramesOnScreen<Result>(_ body: ([BufferIndex?]) throws -> Result) throws -> Result {
        dispatchPrecondition(condition: .onQueue(queue))
        scheduler.isFrozen = true
        defer { scheduler.isFrozen = false }
        try PipelineChecks.settleFlip(on: display, timeout: limits.flipTimeout, isPending: { scheduler.isFlipPending }) {
            try scheduler.displayReadable()
        }
        let buffers = scheduler.lanes.map(\.onScreen)
        guard !scheduler.isFlipPending, buffers.contains(where: { $0 != nil }) else {
            throw PipelineError.flipTimedOut(device: display.card.path, seconds: limits.flipTimeout)
        }
        return try body(buffers)
    }

    /// The dma-buf descriptors of source `source`'s capture buffer `index`,
    /// for tests that compare the screen with the camera's memory (the
    /// pipeline itself never maps them).
    package func dmaBufDescriptors(of index: BufferIndex, source: Int = 0) -> [Int32] {
        runs[source].stream.buffers[index.rawValue].planes.map(\.dmabuf.rawValue)
    }

    /// The capture stream of source `source` (for tests that inspect it).
    package func stream(of source: Int = 0) -> CaptureStream { runs[source].stream }
}
