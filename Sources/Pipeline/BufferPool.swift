/// The buffer pool's bookkeeping, and the one owner of frame state: which
/// buffer is where (in the camera, ready, committed, on screen), which frame
/// it holds and when that frame was dequeued and committed. And the one rule
/// that matters: a buffer goes back to the camera only when the display no
/// longer scans it out. The camera would otherwise write the next picture
/// into memory the display is still reading, the very hazard dma-buf's
/// fences were designed around.
///
/// The pool does no I/O. It tells its owner what to do (queue this index
/// to the camera, commit that one) and refuses, and records, any transition
/// that breaks the rule. Debug builds also stop at the first violation.
/// Its mutators are the scheduler's (package access); embedders read
/// statistics instead.
package struct BufferPool: Sendable {
    /// Every buffer, by index.
    package private(set) var frames: [PooledFrame]
    /// Every refused transition, in words, in order. Empty in a correct run.
    package private(set) var violations: [String] = []
    /// How many times a buffer went back to the camera.
    package private(set) var requeueCount = 0
    /// Debug builds stop at the first violation (an `assert`) unless this is
    /// false; tests that drive illegal transitions on purpose turn it off.
    package var stopsOnViolation = true

    /// A pool of `bufferCount` buffers, all queued in the camera.
    package init(bufferCount: Int) {
        frames = (0..<bufferCount).map {
            PooledFrame(index: BufferIndex($0), state: .queuedInCamera, displayReferences: 0, timeline: nil)
        }
    }

    /// The state of buffer `index`, nil for an index outside the pool.
    package func state(of index: BufferIndex) -> FrameState? {
        contains(index) ? frames[index.rawValue].state : nil
    }

    /// The frame buffer `index` holds, if any.
    package func timeline(of index: BufferIndex) -> FrameTimeline? {
        contains(index) ? frames[index.rawValue].timeline : nil
    }

    /// The buffer being scanned out now, if any.
    package var onScreen: BufferIndex? { first(in: .onScreen) }
    /// The buffer whose flip is pending, if any.
    package var committed: BufferIndex? { first(in: .committed) }

    /// The ready buffer with the newest frame, found without allocating
    /// (this runs for every frame).
    package var newestReady: BufferIndex? {
        var best: PooledFrame?
        for frame in frames where frame.state == .ready {
            if let current = best, (current.timeline?.sequence ?? 0) >= (frame.timeline?.sequence ?? 0) { continue }
            best = frame
        }
        return best?.index
    }

    /// A ready buffer other than `index`, if any (allocation-free).
    package func readyOtherThan(_ index: BufferIndex) -> BufferIndex? {
        for frame in frames where frame.state == .ready && frame.index != index { return frame.index }
        return nil
    }

    /// The camera handed back `index` holding the frame `timeline` describes.
    package mutating func dequeued(_ index: BufferIndex, _ timeline: FrameTimeline) -> Bool {
        guard check(index, is: .queuedInCamera, doing: "dequeue") else { return false }
        frames[index.rawValue].state = .ready
        frames[index.rawValue].timeline = timeline
        return true
    }

    /// `index` is about to be named in a commit issued at `time`.
    package mutating func commit(_ index: BufferIndex, at time: Int64) -> Bool {
        guard check(index, is: .ready, doing: "commit") else { return false }
        if let pending = committed {
            record("commit \(index) while \(pending) is still committed: one commit in flight at most")
            return false
        }
        frames[index.rawValue].state = .committed
        frames[index.rawValue].displayReferences = 1
        frames[index.rawValue].timeline?.commitNanoseconds = time
        return true
    }

    /// A commit of `index` failed before reaching the display: it is ready again.
    package mutating func commitFailed(_ index: BufferIndex) {
        guard check(index, is: .committed, doing: "undo commit") else { return }
        frames[index.rawValue].state = .ready
        frames[index.rawValue].displayReferences = 0
        frames[index.rawValue].timeline?.commitNanoseconds = nil
    }

    /// The flip naming `index` completed: it is on screen now, and the buffer
    /// it replaced lost its last display reference. Returns that replaced
    /// buffer, which the owner must queue back to the camera.
    package mutating func flipCompleted(_ index: BufferIndex) -> BufferIndex? {
        guard check(index, is: .committed, doing: "complete flip") else { return nil }
        let replaced = onScreen
        frames[index.rawValue].state = .onScreen
        if let replaced {
            frames[replaced.rawValue].displayReferences = 0
            frames[replaced.rawValue].state = .released
        }
        return replaced
    }

    /// `index` goes back to the camera. Allowed only with no display
    /// reference: for a frame dropped before commit, or one whose successor
    /// is now on screen.
    package mutating func requeue(_ index: BufferIndex) -> Bool {
        guard contains(index) else {
            record("requeue of unknown buffer \(index)")
            return false
        }
        let frame = frames[index.rawValue]
        guard frame.displayReferences == 0, frame.state == .ready || frame.state == .released else {
            record("requeue \(index) while \(frame.state.rawValue) with \(frame.displayReferences) display reference(s)")
            return false
        }
        frames[index.rawValue].state = .queuedInCamera
        frames[index.rawValue].timeline = nil
        requeueCount += 1
        return true
    }

    /// At teardown the display lets go of everything (the CRTC is restored
    /// to what it showed before, so nothing of ours is scanned out).
    package mutating func displayReleasedAll() {
        for position in frames.indices where frames[position].displayReferences > 0 {
            frames[position].displayReferences = 0
            frames[position].state = .released
        }
    }

    private func contains(_ index: BufferIndex) -> Bool { frames.indices.contains(index.rawValue) }

    private func first(in state: FrameState) -> BufferIndex? {
        for frame in frames where frame.state == state { return frame.index }
        return nil
    }

    private mutating func check(_ index: BufferIndex, is allowed: FrameState, doing action: String) -> Bool {
        guard contains(index) else {
            record("\(action) of unknown buffer \(index)")
            return false
        }
        guard frames[index.rawValue].state == allowed else {
            record("\(action) \(index) while \(frames[index.rawValue].state.rawValue)")
            return false
        }
        return true
    }

    private mutating func record(_ violation: String) {
        violations.append(violation)
        assert(!stopsOnViolation, "buffer pool invariant: \(violation)")
    }
}
