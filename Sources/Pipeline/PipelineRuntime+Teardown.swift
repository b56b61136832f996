import Dispatch
import KMS
import Platform
import V4L2

/// The end of a run: teardown in reverse order of setup, the summary, and
/// the snapshot tests and `--snapshot` take.
extension PipelineRuntime {
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
        for (session, source) in zip(media, runs) {
            do { try session?.restore() } catch where source.away != nil || source.lost != nil {
                // A camera gone with its media device: nothing to put back.
            } catch {
                if first == nil { first = error }
            }
        }
        let counters = scheduler.lanes.map(\.statistics)
        published.withLock { $0 = counters }
        run.activePlane = activePlane
        return first
    }

    func makeSummary() -> PipelineSummary {
        PipelineSummary(
            sources: runs.map { SourceSummary(of: $0, lane: scheduler.lanes[$0.index], seconds: run.stoppedAfterSeconds ?? elapsedSeconds, activePlane: run.activePlane, media: media[$0.index]?.summary ?? $0.setup.media) },
            card: display.card.path, connector: display.plan.connector.name, mode: display.plan.mode.description,
            atomic: display.usesAtomic, commits: scheduler.commits, seconds: run.stoppedAfterSeconds ?? elapsedSeconds,
            stopReason: run.stopReason ?? .requested, eventLoop: loop.summary)
    }

    /// Freezes scheduling, lets the commit in flight land, and reads the
    /// composed screen back through the writeback connector, with each
    /// source's buffer on screen and its layout. The frames on screen stay
    /// there (and out of the cameras' hands) throughout. Call on the
    /// pipeline queue (from the `beforeTeardown` hook of ``FramePipeline/wait(beforeTeardown:)``).
    func snapshot() throws -> PipelineSnapshot {
        try withFramesOnScreen { buffers in
            let layers = runs.map { source in
                PipelineSnapshot.Layer(bufferIndex: buffers[source.index]?.rawValue, layout: source.setup.candidate.display.layout)
            }
            return PipelineSnapshot(screen: try display.captureWriteback(), layers: layers)
        }
    }

    /// Freezes scheduling, lets the commit in flight land, and calls `body`
    /// with each source's buffer on screen (nil for a source with none),
    /// which stay there until `body` returns (for tests that read what a
    /// card without writeback scans out). Call from `beforeTeardown`.
    func withFramesOnScreen<Result>(_ body: ([BufferIndex?]) throws -> Result) throws -> Result {
        dispatchPrecondition(condition: .onQueue(queue))
        scheduler.isFrozen = true
        defer { scheduler.isFrozen = false }
        try PipelineChecks.settleFlip(on: display, timeoutNanoseconds: limits.flipTimeoutNanoseconds, isPending: { scheduler.isFlipPending }) {
            try scheduler.displayReadable()
        }
        let buffers = scheduler.lanes.map(\.onScreen)
        guard !scheduler.isFlipPending, buffers.contains(where: { $0 != nil }) else {
            throw PipelineError.flipTimedOut(device: display.card.path, after: .nanoseconds(limits.flipTimeoutNanoseconds))
        }
        return try body(buffers)
    }
}
