import Platform
import V4L2

/// The mailbox scheduler, for one source or several on one display. Each
/// source is a ``Lane`` with its own camera, pool and mailbox; the display
/// has at most one commit in flight, and that commit carries every lane
/// that has a newer frame than the one it shows (a plane each), so a slow
/// camera never holds back a fast one and the CRTC sees one commit per
/// vblank at most. When the commit's flip completes, the buffer each lane
/// had on screen before loses the display's reference and, at zero
/// references, goes back to its camera: never earlier.
///
/// Policy per lane: only the newest ready frame is worth showing (an older
/// one goes back at once, superseded); at equal camera and display rates a
/// lane that keeps waiting a whole vblank for the flip in flight drops one
/// frame to catch up (``VblankLock``). With several active lanes, frames
/// are gathered until the ``commitLead`` before the next vblank so that
/// cameras whose frames arrive a little apart share it.
///
/// Each frame's fate is reported once through ``onFrame`` when it is known:
/// shown (at its flip), superseded, flagged bad, dropped by the camera (a
/// gap in the sequence numbers), dropped to catch up, or in flight when the
/// run ends (``finish()``). It is not thread-safe: one serial queue owns it
/// and calls it when a camera's or the card's descriptor is readable.
package final class Scheduler {
    package internal(set) var lanes: [Lane]
    /// The display's counters (commits, flips, vblanks).
    package internal(set) var commits = CommitStatistics()
    /// While frozen, new frames go straight back and nothing is committed,
    /// so the frames on screen stay (snapshots).
    package var isFrozen = false
    /// Called on the owning queue with each frame's record (its
    /// ``FrameRecord/source`` says which lane).
    package var onFrame: ((FrameRecord) -> Void)?
    /// Called once a lost lane's plane is off, or a returned camera's
    /// first frame replaced the previous camera's: that lane's old
    /// framebuffers may go.
    package var onScreenReleased: ((Int) -> Void)?
    /// How long before a vblank the frames gathered for it are committed,
    /// when more than one lane streams.
    package var commitLead = CommitLead.learned
    /// Asks the owner to call ``commitDue()`` at this CLOCK_MONOTONIC time
    /// (a one-shot timer on the owning queue).
    package var onCommitDue: ((Int64) -> Void)?
    /// Stop taking frames of a lane once it showed this many.
    package var shownLimit: Int?

    let display: any DisplayQueue
    let clock: () -> Int64
    let refreshPeriodNanoseconds: Int64
    var flight: CommitFlight
    var vblanks = VblankCounter()

    /// Most missing frames reported one by one for a single sequence gap;
    /// a larger gap (a camera restart) is counted but not listed.
    package static let gapRecordLimit: UInt32 = 1000

    /// A scheduler for one lane per camera, each with the buffer count at
    /// the same position, all queued in it. `refreshPeriodNanoseconds` is
    /// the display's frame time; `clock` stamps dequeues and commits.
    package init(
        cameras: [any CameraQueue], bufferCounts: [Int], display: any DisplayQueue,
        refreshPeriodNanoseconds: Int64, clock: @escaping () -> Int64 = monotonicNanoseconds
    ) {
        lanes = zip(cameras, bufferCounts).map {
            Lane(camera: $0, bufferCount: $1, refreshPeriodNanoseconds: refreshPeriodNanoseconds)
        }
        flight = CommitFlight(capacity: cameras.count)
        self.display = display
        self.refreshPeriodNanoseconds = refreshPeriodNanoseconds
        self.clock = clock
    }

    /// True while a commit awaits its flip.
    package var isFlipPending: Bool { flight.isPending }
    /// When the commit awaiting its flip was issued, if one is.
    package var pendingCommitNanoseconds: Int64? { flight.isPending ? flight.issuedNanoseconds : nil }
    /// The lanes still streaming.
    package var activeLanes: Int { lanes.reduce(0) { $0 + ($1.isActive ? 1 : 0) } }

    /// True while something waits for the flip in flight (a ready frame, a
    /// plane to turn off): only then does the pipeline need the card's
    /// descriptor to wake it. Otherwise the flip's event waits in the
    /// kernel until a camera's next frame, whose wake-up reads it.
    package var isWaitingForFlip: Bool { flight.isPending && hasSomethingToCommit }

    /// Lane `source`'s camera is readable. In the order that puts the frame
    /// on screen soonest: one `VIDIOC_DQBUF` (the source is level-triggered
    /// and fires again while buffers wait, so none is spent to learn
    /// EAGAIN), the flip that completed since (read here, so that one
    /// wake-up serves both), the commit, and only then the buffers that
    /// flip released go back to their cameras.
    package func cameraReadable(_ source: Int) throws {
        guard lanes.indices.contains(source), lanes[source].isActive, !reachedLimit(source) else { return }
        guard let frame = try lanes[source].dequeue() else {
            if flight.isPending { try takeFlipEvents() }
            return
        }
        let index = BufferIndex(frame.index)
        lanes[source].statistics.captured += 1
        var tracker = lanes[source].sequences, counters = lanes[source].statistics
        tracker.note(frame.sequence, into: &counters) { record in report(record, source) }
        lanes[source].sequences = tracker
        lanes[source].statistics = counters
        let timeline = FrameTimeline(
            sequence: frame.sequence, captureNanoseconds: frame.isMonotonic ? frame.timestampNanoseconds : nil,
            timestampSource: frame.timestampSource.name, dequeueNanoseconds: clock())
        guard lanes[source].pool.dequeued(index, timeline) else { return }
        if frame.hasError {
            lanes[source].statistics.cameraErrors += 1
            report(FrameRecord(timeline, buffer: index, outcome: .cameraError), source)
            try requeue(index, of: source)
            return
        }
        if flight.isPending { try takeFlipEvents(requeueLater: true) }
        if isFrozen || reachedLimit(source) {
            // Frozen: the frame goes back. Over the limit: the run is over,
            // the frame stays ready and is reported in flight.
            if isFrozen { try requeue(index, of: source) }
            return try requeueReleased()
        }
        // Mailbox: only this lane's newest ready frame is worth showing.
        while let older = lanes[source].pool.readyOtherThan(index) {
            try drop(older, of: source, as: .superseded)
        }
        if lanes[source].committed == nil { lanes[source].lock.frameDidNotWait() }
        try commitSoon()
        try requeueReleased()
    }

    /// The card's descriptor is readable: take the flip; a lane whose
    /// frame waited needlessly a whole vblank for its own previous frame's
    /// flip, again and again, drops it to leave the one-vblank-late lock
    /// (a frame that waited for another lane's commit is not in that lock);
    /// commit what waits.
    package func displayReadable() throws {
        try takeFlipEvents(requeueLater: true)
        if !flight.isPending, let flip = vblanks.lastFlipNanoseconds {
            for source in lanes.indices where lanes[source].isActive && lanes[source].lastFlipNanoseconds == flip {
                guard let waiting = lanes[source].pool.newestReady, let timeline = lanes[source].pool.timeline(of: waiting),
                      lanes[source].lock.shouldDrop(waitingSince: timeline.dequeueNanoseconds, flip: flip) else { continue }
                lanes[source].statistics.droppedToCatchUp += 1
                try drop(waiting, of: source, as: .droppedToCatchUp)
            }
        }
        try commitSoon()
        try requeueReleased()
    }

    /// The time ``onCommitDue`` asked for has come: commit what was gathered.
    package func commitDue() throws {
        flight.dueNanoseconds = nil
        try commitIfIdle()
        try requeueReleased()
    }

    /// Lane `source` failed or was unplugged for good: its frames are no
    /// longer taken, and its plane goes off with the next commit (at once
    /// if none is in flight). Its buffers are never queued again.
    package func sourceLost(_ source: Int) throws {
        guard lanes.indices.contains(source), lanes[source].isActive || lanes[source].state == .away else { return }
        commits.sourcesLost += 1
        lanes[source].released.removeAll()
        let showing = lanes[source].onScreen != nil || lanes[source].committed != nil || lanes[source].showsPreviousCamera
        lanes[source].state = showing ? .losing : .cleared
        if !showing { onScreenReleased?(source) }
        try commitSoon()
        try requeueReleased()
    }

    /// Lane `source`'s camera went away (reconnect): nothing of it is
    /// dequeued or queued any more; what it has on screen stays.
    package func cameraWentAway(_ source: Int) {
        guard lanes.indices.contains(source), lanes[source].isActive else { return }
        lanes[source].state = .away
        lanes[source].released.removeAll()
    }

    /// Lane `source`'s camera is back as `camera`, with `bufferCount`
    /// buffers all queued: it streams again, its counters going on; the
    /// previous camera's frame stays on its plane until a new one replaces
    /// it (then ``onScreenReleased``).
    package func cameraReturned(_ source: Int, camera: any CameraQueue, bufferCount: Int) {
        guard lanes.indices.contains(source), lanes[source].state == .away else { return }
        lanes[source].replaceCamera(with: camera, bufferCount: bufferCount)
    }

    /// Lane `source`'s counters from now on (a camera's return adds to them).
    package func setStatistics(_ statistics: PipelineStatistics, of source: Int) {
        lanes[source].statistics = statistics
    }

    /// Reads the flip events waiting: each completes the commit in flight;
    /// every buffer that commit replaced goes back to its camera.
    package func takeFlipEvents(requeueLater: Bool = false) throws {
        try display.handleEvents { completion in
            guard flight.isPending else { return }
            flight.isPending = false
            vblanks.note(completion, into: &commits)
            learnGatherLead(from: completion)
            let isModeset = !vblanks.modesetFlipSeen
            vblanks.modesetFlipSeen = true
            for change in flight.inFlight { flipped(change, completion: completion, isModeset: isModeset) }
            flight.inFlight.removeAll(keepingCapacity: true)
        }
        if !requeueLater { try requeueReleased() }
    }

    /// The run is over: frames still ready or committed are reported in
    /// flight. Call once, before teardown.
    package func finish() {
        for (source, lane) in lanes.enumerated() {
            for frame in lane.pool.frames where frame.state == .ready || frame.index == lane.committed {
                if let timeline = frame.timeline { report(FrameRecord(timeline, buffer: frame.index, outcome: .inFlight), source) }
            }
        }
    }

    /// At teardown, after the display was restored: nothing is scanned out.
    package func displayReleasedAll() {
        for source in lanes.indices {
            lanes[source].pool.releaseAll(by: .display)
            lanes[source].committed = nil
            lanes[source].onScreen = nil
        }
    }

    /// Every pool's refused transitions, with the lane's position when there are several.
    package var violations: [String] {
        lanes.enumerated().flatMap { source, lane in
            lane.pool.violations.map { lanes.count > 1 ? "source \(source): \($0)" : $0 }
        }
    }

    // MARK: Steps

    /// The flip of `change` completed: its buffer is on screen and the one
    /// it replaced loses the display's reference.
    private func flipped(_ change: SourceChange, completion: FlipCompletion, isModeset: Bool) {
        let source = change.source
        guard change.generation == lanes[source].generation else { return }  // the previous camera's
        guard let buffer = change.buffer else {
            if let old = lanes[source].onScreen { _ = lanes[source].pool.release(old, by: .display) }
            lanes[source].onScreen = nil
            lanes[source].showsPreviousCamera = false
            lanes[source].state = .cleared
            onScreenReleased?(source)
            return
        }
        let timeline = lanes[source].pool.timeline(of: buffer)
        let replaced = lanes[source].onScreen
        lanes[source].committed = nil
        lanes[source].onScreen = buffer
        lanes[source].lastFlipNanoseconds = completion.timestampNanoseconds
        lanes[source].statistics.flips += 1
        lanes[source].statistics.shown += 1
        if let timeline {
            var record = FrameRecord(timeline, buffer: buffer, outcome: .shown)
            record.flipNanoseconds = completion.timestampNanoseconds
            record.vblankSequence = completion.vblankSequence
            record.vblanksMissed = vblanksMissed(
                dequeue: timeline.dequeueNanoseconds, flip: completion.timestampNanoseconds, period: refreshPeriodNanoseconds)
            record.isModesetFrame = isModeset
            report(record, source)
            // What a frame committed at its dequeue made or missed teaches
            // the commit budget (not the modeset, which is slower).
            if !isModeset, let commit = timeline.commitNanoseconds, commit - timeline.dequeueNanoseconds < refreshPeriodNanoseconds / 4 {
                lanes[source].lock.noteShown(dequeue: timeline.dequeueNanoseconds, flip: completion.timestampNanoseconds)
            }
        }
        if let replaced, lanes[source].pool.release(replaced, by: .display) { lanes[source].released.append(replaced) }
        if lanes[source].showsPreviousCamera {
            lanes[source].showsPreviousCamera = false
            onScreenReleased?(source)
        }
    }
}
