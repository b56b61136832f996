import Platform
import V4L2

#if canImport(Glibc)
import Glibc
#endif

/// The mailbox scheduler. It owns the pool and moves buffers between camera
/// and display. It is not thread-safe: one serial DispatchQueue owns it and
/// calls it when the camera's or the display's fd becomes readable.
///
/// Policy: at most one commit in flight. When a flip completes, the newest
/// ready frame is committed; any older ready frame is dropped and queued back
/// to the camera at once. The buffer a completed flip replaced goes back to
/// the camera then, and never earlier.
///
/// Each frame's fate is reported once through ``onFrame`` when it is known:
/// shown (at its flip), superseded, flagged bad, dropped by the camera (a
/// gap in the sequence numbers, noticed at the next dequeue), or in flight
/// when the run ends (``finish()``).
package final class Scheduler {
    package private(set) var pool: BufferPool
    package internal(set) var statistics = PipelineStatistics()
    /// While frozen, new frames are queued straight back and nothing is
    /// committed, so the frame on screen stays (used for snapshots).
    package var isFrozen = false
    /// Set when the camera went away (unplugged, its buffers freed): a
    /// buffer a flip releases is only marked as given back, never queued.
    package var isCameraGone = false
    /// Called on the owning queue with every frame's record.
    package var onFrame: ((FrameRecord) -> Void)?

    private let camera: any CameraQueue
    private let display: any DisplayQueue
    private let clock: () -> Int64
    private let refreshPeriodNanoseconds: Int64
    private var sequences = SequenceTracker()
    /// The vblank time of the last flip event.
    private var lastFlipNanoseconds: Int64?
    /// Detects the one-vblank-late lock at equal rates.
    private var lock: VblankLock
    /// Buffers completed flips released, until they go back to the camera
    /// (storage reserved once: nothing is allocated per frame).
    private var released: [BufferIndex]
    /// Whether the first flip (the modeset's) has been seen; a scheduler
    /// that takes over a display already showing frames starts with true.
    package var modesetFlipSeen = false

    /// Most missing frames reported one by one for a single sequence gap;
    /// a larger gap (a camera restart) is counted but not listed.
    package static let gapRecordLimit: UInt32 = 1000

    /// A scheduler for `bufferCount` buffers, all queued in `camera`.
    /// `refreshPeriodNanoseconds` is the display's frame time (for
    /// ``FrameRecord/vblanksMissed``); `clock` stamps dequeues and commits.
    package init(
        bufferCount: Int, camera: any CameraQueue, display: any DisplayQueue,
        refreshPeriodNanoseconds: Int64, clock: @escaping () -> Int64 = monotonicNanoseconds
    ) {
        pool = BufferPool(bufferCount: bufferCount)
        released = []
        released.reserveCapacity(bufferCount)
        lock = VblankLock(periodNanoseconds: refreshPeriodNanoseconds)
        self.camera = camera
        self.display = display
        self.refreshPeriodNanoseconds = refreshPeriodNanoseconds
        self.clock = clock
    }

    /// True while a commit awaits its flip.
    package var isFlipPending: Bool { pool.committed != nil }

    /// When the commit awaiting its flip was issued, if one is.
    package var pendingCommitNanoseconds: Int64? {
        pool.committed.flatMap { pool.timeline(of: $0)?.commitNanoseconds }
    }

    /// True while a frame is ready and waits for the flip in flight: only
    /// then does the pipeline need the display's descriptor to wake it.
    /// Otherwise the flip's event waits in the kernel until the camera's
    /// next frame, whose wake-up reads it (its vblank time is in the event).
    package var isWaitingForFlip: Bool { pool.committed != nil && pool.newestReady != nil }

    /// Stop taking frames once this many were shown (the pipeline ends the
    /// run when it sees the count).
    package var shownLimit: Int?

    /// The camera fd is readable. In the order that puts the frame on
    /// screen soonest: one `VIDIOC_DQBUF` (one per wake-up: the source is
    /// level-triggered and fires again while buffers are waiting, so no
    /// dequeue is spent to learn EAGAIN), the flip that completed since the
    /// last frame (read here, so that one wake-up serves both), the commit,
    /// and only then the buffer that flip released goes back to the camera.
    package func cameraReadable() throws {
        if let shownLimit, statistics.shown >= shownLimit { return }
        guard let frame = try camera.dequeue() else {
            if pool.committed != nil { try takeFlipEvents() }
            return
        }
        let index = BufferIndex(frame.index)
        statistics.captured += 1
        sequences.note(frame.sequence, into: &statistics) { onFrame?($0) }
        let timeline = FrameTimeline(
            sequence: frame.sequence, captureNanoseconds: frame.isMonotonic ? frame.timestampNanoseconds : nil,
            timestampSource: frame.timestampSource.name, dequeueNanoseconds: clock())
        guard pool.dequeued(index, timeline) else { return }
        if frame.hasError {
            statistics.cameraErrors += 1
            onFrame?(FrameRecord(timeline, buffer: index, outcome: .cameraError))
            try requeue(index)
            return
        }
        if pool.committed != nil { try takeFlipEvents(requeueLater: true) }
        if isFrozen {
            try requeue(index)
            try requeueReleased()
            return
        }
        if let shownLimit, statistics.shown >= shownLimit {
            // The run is over: the frame stays ready, reported in flight.
            try requeueReleased()
            return
        }
        // Mailbox: only the newest ready frame is worth showing.
        while let older = pool.readyOtherThan(index) {
            statistics.superseded += 1
            if let dropped = pool.timeline(of: older) {
                onFrame?(FrameRecord(dropped, buffer: older, outcome: .superseded))
            }
            try requeue(older)
        }
        if pool.committed == nil { lock.frameDidNotWait() }
        try commitNewestIfIdle()
        try requeueReleased()
    }

    /// The display fd is readable (it is watched only while a frame waits
    /// for the flip in flight): take the flip, and commit the waiting frame,
    /// unless it is the one to drop to leave a one-vblank-late lock.
    package func displayReadable() throws {
        try takeFlipEvents(requeueLater: true)
        if pool.committed == nil, let waiting = pool.newestReady, let timeline = pool.timeline(of: waiting),
           let flip = lastFlipNanoseconds, lock.shouldDrop(waitingSince: timeline.dequeueNanoseconds, flip: flip) {
            statistics.droppedToCatchUp += 1
            onFrame?(FrameRecord(timeline, buffer: waiting, outcome: .droppedToCatchUp))
            try requeue(waiting)
        }
        try commitNewestIfIdle()
        try requeueReleased()
    }

    /// Reads the flip events waiting (none is not an error: the descriptor
    /// is non-blocking), counts each frame shown and gives the frame it
    /// replaced back to the camera.
    package func takeFlipEvents(requeueLater: Bool = false) throws {
        try display.handleEvents { completion in
            statistics.flips += 1
            let index = completion.bufferIndex
            let timeline = pool.timeline(of: index)
            let replaced = pool.flipCompleted(index)
            statistics.shown += 1
            if let timeline {
                let record = shownRecord(timeline, buffer: index, completion: completion)
                onFrame?(record)
                // What a frame committed at its dequeue made or missed
                // teaches the commit budget (not the modeset, which is slower).
                if !record.isModesetFrame, let commit = timeline.commitNanoseconds,
                   commit - timeline.dequeueNanoseconds < refreshPeriodNanoseconds / 4 {
                    lock.noteShown(dequeue: timeline.dequeueNanoseconds, flip: completion.timestampNanoseconds)
                }
            }
            lastFlipNanoseconds = completion.timestampNanoseconds
            if let replaced { released.append(replaced) }
        }
        if !requeueLater { try requeueReleased() }
    }

    /// Gives the camera the buffers completed flips released.
    private func requeueReleased() throws {
        while !released.isEmpty {
            try requeue(released.removeFirst())
        }
    }

    /// The run is over: reports the frames still ready or committed as in
    /// flight. Call once, on the owning queue, before teardown.
    package func finish() {
        for frame in pool.frames where frame.state == .ready || frame.state == .committed {
            if let timeline = frame.timeline { onFrame?(FrameRecord(timeline, buffer: frame.index, outcome: .inFlight)) }
        }
    }

    /// At teardown, after the display has been restored to its previous
    /// contents: nothing of ours is scanned out any more.
    package func displayReleasedAll() {
        pool.displayReleasedAll()
    }

    // MARK: Steps

    private func shownRecord(_ timeline: FrameTimeline, buffer: BufferIndex, completion: FlipCompletion) -> FrameRecord {
        var record = FrameRecord(timeline, buffer: buffer, outcome: .shown)
        record.flipNanoseconds = completion.timestampNanoseconds
        record.vblankSequence = completion.vblankSequence
        record.vblanksMissed = vblanksMissed(
            dequeue: timeline.dequeueNanoseconds, flip: completion.timestampNanoseconds, period: refreshPeriodNanoseconds)
        record.isModesetFrame = !modesetFlipSeen
        modesetFlipSeen = true
        return record
    }

    private func commitNewestIfIdle() throws {
        guard !isFrozen, pool.committed == nil, let newest = pool.newestReady else { return }
        // Stamped before the commit, so that its time is when the commit was
        // issued (the first commit sets the mode and takes long).
        guard pool.commit(newest, at: clock()) else { return }
        do {
            try display.show(newest)
        } catch {
            pool.commitFailed(newest)
            throw error
        }
        statistics.commits += 1
    }

    /// Hands `index` back to the camera (``CameraQueue/queueRetryingOnce(_:)``).
    private func requeue(_ index: BufferIndex) throws {
        guard pool.requeue(index), !isCameraGone else { return }
        if try camera.queueRetryingOnce(index) { statistics.cameraQueueRetries += 1 }
    }
}
