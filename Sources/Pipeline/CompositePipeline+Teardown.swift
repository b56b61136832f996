import Dispatch
import KMS
import Platform
import V4L2

/// The end of a run of several sources: teardown in reverse order of
/// setup, the summary, and the snapshot tests and `--snapshot` take.
extension CompositePipeline {
    /// Frames in flight are reported; the display goes first (restored as
    /// found, every framebuffer removed, master dropped), then each camera
    /// (STREAMOFF, buffers freed, dma-bufs closed). Every step runs.
    func teardown() -> (any Error)? {
        guard !tornDown else { return nil }
        tornDown = true
        stoppedAfterSeconds = elapsedSeconds
        if started, scheduler.isFlipPending { try? scheduler.takeFlipEvents() }
        scheduler.finish()
        let displayErrors = display.close()
        scheduler.displayReleasedAll()
        var first: (any Error)? = displayErrors.first
        for (index, stream) in streams.enumerated() where started {
            do { try stream.stop() } catch where lost[index] != nil {
                // A camera that went away cannot stop streaming; it is closed below.
            } catch {
                if first == nil { first = error }
            }
        }
        for allocation in allocations { allocation.release() }
        let counters = scheduler.lanes.map(\.statistics)
        published.withLock { $0 = counters }
        return first
    }

    func makeSummary() -> CompositeSummary {
        let plan = display.plan
        let seconds = stoppedAfterSeconds ?? elapsedSeconds
        let summaries = sources.enumerated().map { index, source in
            PipelineSummary(
                camera: source.camera, card: display.card.path, format: source.candidate.pixelFormat.description,
                width: Int(source.captureFormat.width), height: Int(source.captureFormat.height), bufferCount: framebuffers[index].count,
                connector: plan.connector.name, mode: plan.mode.description, plane: source.candidate.display.plane?.id.rawValue,
                atomic: true, memory: source.candidate.memory.description, placement: source.candidate.display.placement.rawValue,
                plan: source.plan.summary, statistics: scheduler.lanes[index].statistics, latency: latencies[index].summary,
                seconds: seconds, stopReason: stopReason ?? .requested, framebuffersFromCaptureBuffers: framebuffers[index].count,
                poolViolations: scheduler.lanes[index].pool.violations, copyPath: nil, copy: nil)
        }
        return CompositeSummary(
            sources: summaries, lost: lost, statistics: scheduler.statistics, seconds: seconds, stopReason: stopReason ?? .requested)
    }

    /// The screen as composed now (writeback), with the buffer each source
    /// has on screen and its layout. New frames are held back meanwhile
    /// and the commit in flight lands first. Call on the pipeline queue
    /// (in `beforeTeardown`).
    public func snapshot() throws -> (screen: WritebackSnapshot, layers: [(buffer: Int?, layout: PlaneLayout)]) {
        dispatchPrecondition(condition: .onQueue(queue))
        scheduler.isFrozen = true
        defer { scheduler.isFrozen = false }
        try PipelineChecks.settleFlip(on: display, timeout: flipTimeout, isPending: { scheduler.isFlipPending }) {
            try scheduler.displayReadable()
        }
        if scheduler.isFlipPending { throw PipelineError.flipTimedOut(device: display.card.path, seconds: flipTimeout) }
        let layers = sources.indices.map { index in
            (buffer: scheduler.lanes[index].pool.onScreen?.rawValue, layout: sources[index].candidate.display.layout)
        }
        return (try display.captureWriteback(), layers)
    }
}
