import Platform

/// The scheduler's commits and buffers going back: when to commit (now,
/// or gathered until the lead before the next vblank), what one commit
/// carries, and each lane's buffers returned to its camera.
extension Scheduler {
    /// Drops ready buffer `index` of lane `source` (superseded, or to catch up) and gives it back.
    func drop(_ index: BufferIndex, of source: Int, as outcome: FrameOutcome) throws {
        if outcome == .superseded { lanes[source].statistics.superseded += 1 }
        if let timeline = lanes[source].pool.timeline(of: index) { report(FrameRecord(timeline, buffer: index, outcome: outcome), source) }
        try requeue(index, of: source)
    }

    func reachedLimit(_ source: Int) -> Bool {
        guard let shownLimit else { return false }
        return lanes[source].statistics.shown >= shownLimit
    }

    /// Commits now, or, while more than one lane streams and once the
    /// vblank clock is known from a flip, at the next vblank minus the
    /// lead, so that frames of other lanes arriving meanwhile ride along.
    func commitSoon() throws {
        guard !isFrozen, !flight.isPending, flight.dueNanoseconds == nil else { return }
        guard let lead = commitLead.nanoseconds(for: lanes), activeLanes > 1, let onCommitDue, let lastFlip = vblanks.lastFlipNanoseconds,
              refreshPeriodNanoseconds > 0, hasSomethingToCommit else {
            return try commitIfIdle()
        }
        let now = clock()
        var vblank = lastFlip + refreshPeriodNanoseconds
        if vblank <= now { vblank += (now - vblank) / refreshPeriodNanoseconds * refreshPeriodNanoseconds + refreshPeriodNanoseconds }
        let due = vblank - lead
        guard due > now else { return try commitIfIdle() }
        flight.dueNanoseconds = due
        flight.gatheredFor = vblank
        onCommitDue(due)
    }

    /// The commit in flight was gathered for a vblank: the lanes it
    /// carried learn whether it made it.
    func learnGatherLead(from completion: FlipCompletion) {
        guard let target = flight.inFlightGatheredFor else { return }
        flight.inFlightGatheredFor = nil
        guard commitLead == .learned else { return }
        CommitLeadLearner.learn(
            &lanes, from: flight.inFlight, gatheredFor: target, flip: completion.timestampNanoseconds, periodNanoseconds: refreshPeriodNanoseconds)
    }

    /// Whether a commit now would carry anything.
    var hasSomethingToCommit: Bool {
        lanes.indices.contains { source in
            (lanes[source].isActive && !reachedLimit(source) && lanes[source].pool.newestReady != nil) || lanes[source].state == .losing
        }
    }

    /// One commit for every lane with a newer frame (and every lost lane's
    /// plane off), unless a commit is in flight or nothing changed.
    func commitIfIdle() throws {
        guard !isFrozen, !flight.isPending, flight.dueNanoseconds == nil else { return }
        defer { flight.gatheredFor = nil }
        flight.changes.removeAll(keepingCapacity: true)
        let now = clock()
        for source in lanes.indices {
            switch lanes[source].state {
            case .active:
                guard !reachedLimit(source), let newest = lanes[source].pool.newestReady,
                      lanes[source].pool.hold(newest, by: .display, at: now) else { continue }
                lanes[source].committed = newest
                flight.changes.append(SourceChange(source: source, buffer: newest, generation: lanes[source].generation))
            case .losing:
                flight.changes.append(SourceChange(source: source, buffer: nil, generation: lanes[source].generation))
            case .away, .clearing, .cleared:
                continue
            }
        }
        guard !flight.changes.isEmpty else { return }
        do {
            try display.show(flight.changes, tag: UInt32(truncatingIfNeeded: commits.commits))
        } catch {
            for change in flight.changes {
                guard let buffer = change.buffer else { continue }
                lanes[change.source].pool.cancelHold(buffer, by: .display)
                lanes[change.source].committed = nil
            }
            throw error
        }
        for change in flight.changes {
            if change.buffer != nil {
                lanes[change.source].statistics.commits += 1
            } else {
                lanes[change.source].state = .clearing
            }
        }
        commits.commits += 1
        commits.planeUpdates += flight.changes.count
        flight.launch(at: now)
    }

    /// Gives the cameras the buffers completed flips released.
    func requeueReleased() throws {
        for source in lanes.indices {
            while !lanes[source].released.isEmpty {
                try requeue(lanes[source].released.removeFirst(), of: source)
            }
        }
    }

    /// Hands `index` back to lane `source`'s camera (with one retry: see
    /// ``CameraQueue/queueRetryingOnce(_:)``); a lane whose camera went away
    /// or was lost only marks it given back. The camera is called outside
    /// any access to the lane (it may call back, a test's camera does).
    func requeue(_ index: BufferIndex, of source: Int) throws {
        guard lanes[source].pool.requeue(index), lanes[source].isActive else { return }
        let camera = lanes[source].camera
        if try camera.queueRetryingOnce(index) { lanes[source].statistics.cameraQueueRetries += 1 }
    }

    func report(_ record: FrameRecord, _ source: Int) {
        guard let onFrame else { return }
        var record = record
        record.source = source
        onFrame(record)
    }
}
