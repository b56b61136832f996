/// Where one capture buffer is in its life. A buffer cycles
/// `queuedInCamera → ready → committed → onScreen → released → queuedInCamera`;
/// a ready buffer that a newer one supersedes, or one the camera flagged as
/// bad, goes straight back to `queuedInCamera`.
public enum FrameState: String, Sendable, Equatable, CaseIterable {
    /// Owned by the camera: it may be writing into it right now.
    case queuedInCamera
    /// Dequeued with a good frame, waiting to be committed to the display.
    case ready
    /// Named in an atomic commit whose flip has not completed yet.
    case committed
    /// Being scanned out. The display reads it until the next flip completes.
    case onScreen
    /// Replaced on screen by a completed flip: no display reference left, on
    /// its way back to the camera.
    case released
}

/// One buffer of the pool: its index in the camera's queue, its state and
/// how many display references it holds (committed or on screen).
public struct PooledFrame: Sendable, Equatable {
    public let index: Int
    public internal(set) var state: FrameState
    /// The display's references: 1 while committed or on screen, else 0.
    /// A frame is handed back to the camera only at 0.
    public internal(set) var displayReferences: Int
    /// The camera's sequence number of the frame it last held.
    public internal(set) var sequence: UInt32?
}

/// The buffer pool's bookkeeping: which buffer is where, and the one rule
/// that matters — a buffer goes back to the camera only when the display no
/// longer scans it out. The camera would otherwise write the next picture
/// into memory the display is still reading, the very hazard dma-buf's
/// fences were designed around.
///
/// The pool does no I/O. It tells its owner what to do (queue this index
/// to the camera, commit that one) and refuses, and records, any transition
/// that breaks the rule. Debug builds also stop at the first violation.
public struct BufferPool: Sendable {
    public private(set) var frames: [PooledFrame]
    /// Every refused transition, in words, in order. Empty in a correct run.
    public private(set) var violations: [String] = []
    /// How many times a buffer went back to the camera.
    public private(set) var requeueCount = 0
    /// Debug builds stop at the first violation (an `assert`) unless this is
    /// false; tests that drive illegal transitions on purpose turn it off.
    public var stopsOnViolation = true

    public init(bufferCount: Int) {
        frames = (0..<bufferCount).map {
            PooledFrame(index: $0, state: .queuedInCamera, displayReferences: 0, sequence: nil)
        }
    }

    public func state(of index: Int) -> FrameState? {
        frames.indices.contains(index) ? frames[index].state : nil
    }

    /// The buffer being scanned out now, if any.
    public var onScreen: Int? { frames.first { $0.state == .onScreen }?.index }
    /// The buffer whose flip is pending, if any.
    public var committed: Int? { frames.first { $0.state == .committed }?.index }
    /// Buffers holding a good frame not yet committed, oldest first by sequence.
    public var ready: [Int] {
        frames.filter { $0.state == .ready }.sorted { ($0.sequence ?? 0) < ($1.sequence ?? 0) }.map(\.index)
    }

    /// The ready buffer with the newest frame, found without allocating
    /// (this runs for every frame).
    public var newestReady: Int? {
        var best: PooledFrame?
        for frame in frames where frame.state == .ready {
            if let current = best, (current.sequence ?? 0) >= (frame.sequence ?? 0) { continue }
            best = frame
        }
        return best?.index
    }

    /// A ready buffer other than `index`, if any (allocation-free).
    public func readyOtherThan(_ index: Int) -> Int? {
        frames.first { $0.state == .ready && $0.index != index }?.index
    }

    /// The camera handed back `index` holding frame `sequence`.
    public mutating func dequeued(_ index: Int, sequence: UInt32) -> Bool {
        guard check(index, is: [.queuedInCamera], doing: "dequeue") else { return false }
        frames[index].state = .ready
        frames[index].sequence = sequence
        return true
    }

    /// `index` is about to be named in a commit.
    public mutating func commit(_ index: Int) -> Bool {
        guard check(index, is: [.ready], doing: "commit") else { return false }
        if let pending = committed {
            record("commit \(index) while \(pending) is still committed: one commit in flight at most")
            return false
        }
        frames[index].state = .committed
        frames[index].displayReferences = 1
        return true
    }

    /// A commit of `index` failed before reaching the display: it is ready again.
    public mutating func commitFailed(_ index: Int) {
        guard check(index, is: [.committed], doing: "undo commit") else { return }
        frames[index].state = .ready
        frames[index].displayReferences = 0
    }

    /// The flip naming `index` completed: it is on screen now, and the buffer
    /// it replaced lost its last display reference. Returns that replaced
    /// buffer, which the owner must queue back to the camera.
    public mutating func flipCompleted(_ index: Int) -> Int? {
        guard check(index, is: [.committed], doing: "complete flip") else { return nil }
        let replaced = onScreen
        frames[index].state = .onScreen
        if let replaced {
            frames[replaced].displayReferences = 0
            frames[replaced].state = .released
        }
        return replaced
    }

    /// `index` goes back to the camera. Allowed only with no display
    /// reference: for a frame dropped before commit, or one whose successor
    /// is now on screen.
    public mutating func requeue(_ index: Int) -> Bool {
        guard frames.indices.contains(index) else {
            record("requeue of unknown buffer \(index)")
            return false
        }
        let frame = frames[index]
        guard frame.displayReferences == 0, frame.state == .ready || frame.state == .released else {
            record("requeue \(index) while \(frame.state.rawValue) with \(frame.displayReferences) display reference(s)")
            return false
        }
        frames[index].state = .queuedInCamera
        frames[index].sequence = nil
        requeueCount += 1
        return true
    }

    /// At teardown the display lets go of everything (the CRTC is restored
    /// to what it showed before, so nothing of ours is scanned out).
    public mutating func displayReleasedAll() {
        for index in frames.indices where frames[index].displayReferences > 0 {
            frames[index].displayReferences = 0
            frames[index].state = .released
        }
    }

    private mutating func check(_ index: Int, is allowed: [FrameState], doing action: String) -> Bool {
        guard frames.indices.contains(index) else {
            record("\(action) of unknown buffer \(index)")
            return false
        }
        guard allowed.contains(frames[index].state) else {
            record("\(action) \(index) while \(frames[index].state.rawValue)")
            return false
        }
        return true
    }

    private mutating func record(_ violation: String) {
        violations.append(violation)
        assert(!stopsOnViolation, "buffer pool invariant: \(violation)")
    }
}
