import Platform
import V4L2

/// The scheduler for several cameras on one screen. Each source has its own
/// pool and mailbox; the display has one commit in flight at most, and that
/// commit carries every source that has a newer frame than the one it shows
/// (a plane each), so a slow camera never holds back a fast one and the
/// CRTC sees at most one commit per vblank. When the commit's flip
/// completes, each buffer it replaced goes back to its camera, never
/// earlier. Like ``Scheduler`` it is not thread-safe: one serial queue owns
/// it and calls it when a camera's or the card's descriptor is readable.
package final class CompositeScheduler {
    /// One source: its camera, pool and counters.
    package struct Lane {
        /// Where a source is in its life.
        package enum State: Sendable, Equatable {
            /// Streaming.
            case active
            /// Lost; its plane goes off in the next commit.
            case losing
            /// Lost; the commit turning its plane off is in flight.
            case clearing
            /// Lost, and nothing of it is on screen any more.
            case cleared
        }
        let camera: any CameraQueue
        package internal(set) var pool: BufferPool
        package internal(set) var statistics = PipelineStatistics()
        package internal(set) var state = State.active
        var sequences = SequenceTracker()
        var released: [BufferIndex]
    }

    package internal(set) var lanes: [Lane]
    package internal(set) var statistics = CompositeStatistics()
    /// While frozen, new frames go straight back and nothing is committed,
    /// so the frames on screen stay (snapshots).
    package var isFrozen = false
    /// Called on the owning queue with each frame's record and its source.
    package var onFrame: ((Int, FrameRecord) -> Void)?
    /// Called on the owning queue once a lost source's plane is off: its
    /// framebuffers and buffers may go.
    package var onSourceCleared: ((Int) -> Void)?
    /// How long before a vblank the frames gathered for it are committed;
    /// nil commits each frame at once. Cameras rarely deliver in step: a
    /// frame committed the moment it arrives makes the next vblank, but a
    /// second camera's frame arriving a millisecond later then waits for
    /// that flip and misses it. Committing at the vblank minus this lead
    /// shows both on the same vblank; a frame that arrives later than that
    /// is committed at once (it may still make it).
    package var commitLeadNanoseconds: Int64?
    /// Asks the owner to call ``commitDue()`` at this CLOCK_MONOTONIC time
    /// (a one-shot timer on the owning queue). Without it frames are
    /// committed at once.
    package var onCommitDue: ((Int64) -> Void)?

    private let display: any LayerDisplayQueue
    private let clock: () -> Int64
    private let refreshPeriodNanoseconds: Int64
    /// The changes of the next commit, and of the one in flight (storage
    /// reserved once).
    private var changes: [SourceChange]
    private var inFlight: [SourceChange]
    private var commitPending = false
    /// When a gathered commit is due, while one is.
    private var commitDueNanoseconds: Int64?
    /// The vblank time of the last flip (the vblank clock's phase).
    private var lastFlipNanoseconds: Int64?
    private var commitNanoseconds: Int64?
    var lastVblank: UInt32?
    var firstVblank: UInt32?
    var flipsOnThisVblank = 0
    private var modesetFlipSeen = false

    /// A scheduler for one camera per entry of `bufferCounts`, each with
    /// that many buffers, all queued in it.
    package init(
        cameras: [any CameraQueue], bufferCounts: [Int], display: any LayerDisplayQueue,
        refreshPeriodNanoseconds: Int64, clock: @escaping () -> Int64 = monotonicNanoseconds
    ) {
        lanes = zip(cameras, bufferCounts).map { camera, count in
            var released: [BufferIndex] = []
            released.reserveCapacity(count)
            return Lane(camera: camera, pool: BufferPool(bufferCount: count), released: released)
        }
        changes = []
        changes.reserveCapacity(cameras.count)
        inFlight = []
        inFlight.reserveCapacity(cameras.count)
        self.display = display
        self.refreshPeriodNanoseconds = refreshPeriodNanoseconds
        self.clock = clock
    }

    /// True while a commit awaits its flip.
    package var isFlipPending: Bool { commitPending }
    /// When the commit awaiting its flip was issued, if one is.
    package var pendingCommitNanoseconds: Int64? { commitPending ? commitNanoseconds : nil }
    /// The sources still streaming.
    package var activeSources: Int { lanes.filter { $0.state == .active }.count }

    /// Source `source`'s camera descriptor is readable: one `VIDIOC_DQBUF`;
    /// the flip that completed meanwhile is read; the newest frame of each
    /// source is committed if no commit is in flight; then the buffers
    /// completed flips released go back.
    package func cameraReadable(_ source: Int) throws {
        guard lanes.indices.contains(source), lanes[source].state == .active else { return }
        guard let frame = try lanes[source].camera.dequeue() else {
            if commitPending { try takeFlipEvents() }
            return
        }
        let index = BufferIndex(frame.index)
        lanes[source].statistics.captured += 1
        var tracker = lanes[source].sequences, counters = lanes[source].statistics
        tracker.note(frame.sequence, into: &counters) { onFrame?(source, $0) }
        lanes[source].sequences = tracker
        lanes[source].statistics = counters
        let timeline = FrameTimeline(
            sequence: frame.sequence, captureNanoseconds: frame.isMonotonic ? frame.timestampNanoseconds : nil,
            timestampSource: frame.timestampSource.name, dequeueNanoseconds: clock())
        guard lanes[source].pool.dequeued(index, timeline) else { return }
        if frame.hasError {
            lanes[source].statistics.cameraErrors += 1
            onFrame?(source, FrameRecord(timeline, buffer: index, outcome: .cameraError))
            try requeue(index, source: source)
            return
        }
        if commitPending { try takeFlipEvents(requeueLater: true) }
        if isFrozen {
            try requeue(index, source: source)
            try requeueReleased()
            return
        }
        // Mailbox: only this source's newest ready frame is worth showing.
        while let older = lanes[source].pool.readyOtherThan(index) {
            lanes[source].statistics.superseded += 1
            if let dropped = lanes[source].pool.timeline(of: older) {
                onFrame?(source, FrameRecord(dropped, buffer: older, outcome: .superseded))
            }
            try requeue(older, source: source)
        }
        try commitSoon()
        try requeueReleased()
    }

    /// The card's descriptor is readable: take the flip, commit what waits.
    package func displayReadable() throws {
        try takeFlipEvents(requeueLater: true)
        try commitSoon()
        try requeueReleased()
    }

    /// The time ``onCommitDue`` asked for has come: commit what was gathered.
    package func commitDue() throws {
        commitDueNanoseconds = nil
        try commitIfIdle()
        try requeueReleased()
    }

    /// Source `source` failed or was unplugged: its frames are no longer
    /// taken, and its plane goes off with the next commit (at once if no
    /// commit is in flight). Its buffers are never queued again.
    package func sourceLost(_ source: Int) throws {
        guard lanes.indices.contains(source), lanes[source].state == .active else { return }
        statistics.sourcesLost += 1
        lanes[source].released.removeAll()
        let pool = lanes[source].pool
        let showing = pool.onScreen != nil || pool.committed != nil
        lanes[source].state = showing ? .losing : .cleared
        if !showing { onSourceCleared?(source) }
        try commitSoon()
        try requeueReleased()
    }

    /// Reads the flip events waiting: each completes the commit in flight;
    /// every buffer that commit replaced goes back to its camera.
    package func takeFlipEvents(requeueLater: Bool = false) throws {
        try display.handleEvents { completion in
            guard commitPending else { return }
            commitPending = false
            statistics.flips += 1
            noteVblank(completion.vblankSequence)
            lastFlipNanoseconds = completion.timestampNanoseconds
            let isModeset = !modesetFlipSeen
            modesetFlipSeen = true
            for change in inFlight {
                let source = change.source
                guard let buffer = change.buffer else {
                    lanes[source].pool.displayReleasedAll()
                    lanes[source].state = .cleared
                    onSourceCleared?(source)
                    continue
                }
                let timeline = lanes[source].pool.timeline(of: buffer)
                let replaced = lanes[source].pool.flipCompleted(buffer)
                lanes[source].statistics.flips += 1
                lanes[source].statistics.shown += 1
                if let timeline {
                    var record = FrameRecord(timeline, buffer: buffer, outcome: .shown)
                    record.flipNanoseconds = completion.timestampNanoseconds
                    record.vblankSequence = completion.vblankSequence
                    record.vblanksMissed = vblanksMissed(
                        dequeue: timeline.dequeueNanoseconds, flip: completion.timestampNanoseconds, period: refreshPeriodNanoseconds)
                    record.isModesetFrame = isModeset
                    onFrame?(source, record)
                }
                if let replaced, lanes[source].state == .active { lanes[source].released.append(replaced) }
            }
            inFlight.removeAll(keepingCapacity: true)
        }
        if !requeueLater { try requeueReleased() }
    }

    /// The run is over: frames still ready or committed are reported in
    /// flight. Call once, before teardown.
    package func finish() {
        for (source, lane) in lanes.enumerated() {
            for frame in lane.pool.frames where frame.state == .ready || frame.state == .committed {
                if let timeline = frame.timeline { onFrame?(source, FrameRecord(timeline, buffer: frame.index, outcome: .inFlight)) }
            }
        }
    }

    /// At teardown, after the display was restored: nothing is scanned out.
    package func displayReleasedAll() {
        for source in lanes.indices { lanes[source].pool.displayReleasedAll() }
    }

    /// Every pool's refused transitions, with the source's position.
    package var violations: [String] {
        lanes.enumerated().flatMap { source, lane in lane.pool.violations.map { "source \(source): \($0)" } }
    }

    // MARK: Steps

    /// Commits now, or (with a lead and once the vblank clock is known from
    /// a flip) at the next vblank minus the lead, so that frames of other
    /// cameras arriving meanwhile ride the same commit.
    private func commitSoon() throws {
        guard !isFrozen, !commitPending, commitDueNanoseconds == nil else { return }
        guard let lead = commitLeadNanoseconds, let onCommitDue, let lastFlip = lastFlipNanoseconds, refreshPeriodNanoseconds > 0,
              hasSomethingToCommit else {
            return try commitIfIdle()
        }
        let now = clock()
        var vblank = lastFlip + refreshPeriodNanoseconds
        if vblank <= now { vblank += (now - vblank) / refreshPeriodNanoseconds * refreshPeriodNanoseconds + refreshPeriodNanoseconds }
        let due = vblank - lead
        guard due > now else { return try commitIfIdle() }
        commitDueNanoseconds = due
        onCommitDue(due)
    }

    /// Whether a commit now would carry anything.
    private var hasSomethingToCommit: Bool {
        lanes.contains { ($0.state == .active && $0.pool.newestReady != nil) || $0.state == .losing }
    }

    /// One commit for every source with a newer frame (and every lost
    /// source's plane off), unless a commit is in flight or nothing changed.
    private func commitIfIdle() throws {
        guard !isFrozen, !commitPending, commitDueNanoseconds == nil else { return }
        changes.removeAll(keepingCapacity: true)
        let now = clock()
        for source in lanes.indices {
            switch lanes[source].state {
            case .active:
                guard let newest = lanes[source].pool.newestReady, lanes[source].pool.commit(newest, at: now) else { continue }
                changes.append(SourceChange(source: source, buffer: newest))
            case .losing:
                changes.append(SourceChange(source: source, buffer: nil))
            case .clearing, .cleared:
                continue
            }
        }
        guard !changes.isEmpty else { return }
        do {
            try display.show(changes, tag: UInt32(truncatingIfNeeded: statistics.commits))
        } catch {
            for change in changes {
                if let buffer = change.buffer { lanes[change.source].pool.commitFailed(buffer) }
            }
            throw error
        }
        for change in changes {
            if change.buffer != nil {
                lanes[change.source].statistics.commits += 1
            } else {
                lanes[change.source].state = .clearing
            }
        }
        statistics.commits += 1
        statistics.planeUpdates += changes.count
        swap(&changes, &inFlight)
        commitPending = true
        commitNanoseconds = now
    }
}
