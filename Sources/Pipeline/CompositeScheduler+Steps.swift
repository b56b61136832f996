/// The composite scheduler's bookkeeping: vblanks, sequence numbers, and
/// buffers going back to their cameras.
extension CompositeScheduler {
    func noteVblank(_ sequence: UInt32) {
        if firstVblank == nil { firstVblank = sequence }
        if sequence == lastVblank {
            statistics.flipsSharingVblank += 1
            flipsOnThisVblank += 1
        } else {
            flipsOnThisVblank = 1
        }
        statistics.maximumCommitsPerVblank = max(statistics.maximumCommitsPerVblank, flipsOnThisVblank)
        lastVblank = sequence
        if let firstVblank { statistics.vblanksSpanned = Int(sequence &- firstVblank) + 1 }
    }

    func requeueReleased() throws {
        for source in lanes.indices {
            while !lanes[source].released.isEmpty {
                try requeue(lanes[source].released.removeFirst(), source: source)
            }
        }
    }

    func requeue(_ index: BufferIndex, source: Int) throws {
        guard lanes[source].state == .active, lanes[source].pool.requeue(index) else { return }
        if try lanes[source].camera.queueRetryingOnce(index) { lanes[source].statistics.cameraQueueRetries += 1 }
    }
}
