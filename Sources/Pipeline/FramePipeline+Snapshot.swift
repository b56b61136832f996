import Dispatch
import KMS
import Platform
import V4L2

/// Looking at the screen while the pipeline holds it (from `beforeTeardown`).
extension FramePipeline {
    /// Freezes scheduling, lets the commit in flight land, and reads the
    /// composed screen back through the writeback connector. The frame on
    /// screen stays there (and out of the camera's hands) throughout. Call
    /// from the `beforeTeardown` hook of ``wait(beforeTeardown:)``.
    public func snapshot() throws -> PipelineSnapshot {
        try withFrameOnScreen { index in
            PipelineSnapshot(screen: try display.captureWriteback(), bufferIndex: index, layout: display.plan.layout)
        }
    }

    /// Freezes scheduling, lets the commit in flight land, and calls `body`
    /// with the index of the buffer on screen, which stays there until
    /// `body` returns (for tests that read what a card without writeback
    /// scans out). Call from `beforeTeardown`.
    package func withFrameOnScreen<Result>(_ body: (BufferIndex) throws -> Result) throws -> Result {
        dispatchPrecondition(condition: .onQueue(queue))
        scheduler.isFrozen = true
        defer { scheduler.isFrozen = false }
        try PipelineChecks.settleFlip(on: display, timeout: flipTimeout, isPending: { scheduler.isFlipPending }) {
            try scheduler.displayReadable()
        }
        guard let index = scheduler.pool.onScreen else {
            throw PipelineError.flipTimedOut(device: display.card.path, seconds: flipTimeout)
        }
        return try body(index)
    }

    /// The dma-buf descriptors of capture buffer `index`, for tests that
    /// compare the screen with the camera's memory (the pipeline itself
    /// never maps them).
    package func dmaBufDescriptors(of index: BufferIndex) -> [Int32] {
        stream.buffers[index.rawValue].planes.map(\.dmabuf.rawValue)
    }
}
