/// One lane's buffers, and the one owner of their state: which buffer is
/// where (in the camera, ready, held by consumers, released), which frame
/// it holds, and who still reads it. And the one rule that matters: a
/// buffer goes back to the camera only when no consumer (a display that
/// scans it out or has committed it; later an encoder, a second display)
/// still reads it. The camera would otherwise write the next picture into
/// memory another device is still reading, the very hazard dma-buf's
/// fences were designed around.
///
/// The count of readers is the number of holders: each consumer holds one
/// reference from the moment it may read the buffer until it has let go,
/// and the pool checks every transition per consumer (a consumer releases
/// only what it holds, and holds it once). The pool does no I/O; it tells
/// its owner when a buffer is free and refuses, and records, any
/// transition that breaks the rule. Debug builds also stop at the first
/// violation.
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
        frames = (0..<bufferCount).map { PooledFrame(index: BufferIndex($0), state: .inCamera, holders: 0, timeline: nil) }
    }

    /// The state of buffer `index`, nil for an index outside the pool.
    package func state(of index: BufferIndex) -> BufferState? {
        contains(index) ? frames[index.rawValue].state : nil
    }

    /// The frame buffer `index` holds, if any.
    package func timeline(of index: BufferIndex) -> FrameTimeline? {
        contains(index) ? frames[index.rawValue].timeline : nil
    }

    /// How many consumers hold buffer `index` (0 outside the pool).
    package func references(of index: BufferIndex) -> Int {
        contains(index) ? frames[index.rawValue].references : 0
    }

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
        guard check(index, doing: "dequeue", allowed: .inCamera) else { return false }
        frames[index.rawValue].state = .ready
        frames[index.rawValue].timeline = timeline
        return true
    }

    /// `consumer` may read `index` from now on (a display names it in a
    /// commit, issued at `time` when given). The frame must be ready or
    /// already held by other consumers.
    package mutating func hold(_ index: BufferIndex, by consumer: ConsumerID, at time: Int64? = nil) -> Bool {
        guard check(index, doing: "hold by \(consumer)", allowed: .ready, or: .held) else { return false }
        guard !frames[index.rawValue].isHeld(by: consumer) else {
            record("hold of \(index) by \(consumer), which holds it already")
            return false
        }
        frames[index.rawValue].holders |= consumer.bit
        frames[index.rawValue].state = .held
        if let time, frames[index.rawValue].timeline?.commitNanoseconds == nil { frames[index.rawValue].timeline?.commitNanoseconds = time }
        return true
    }

    /// `consumer` never got to read `index` after all (its commit failed
    /// before reaching the display): it lets go, and with no other holder
    /// the frame is ready again, as if never held.
    package mutating func cancelHold(_ index: BufferIndex, by consumer: ConsumerID) {
        guard let remaining = letGo(index, by: consumer, doing: "cancel hold") else { return }
        if remaining == 0 {
            frames[index.rawValue].state = .ready
            frames[index.rawValue].timeline?.commitNanoseconds = nil
        }
    }

    /// `consumer` has finished reading `index` (a display: the flip that
    /// replaced it completed). Returns true when that was the last
    /// reference: the buffer is released and the owner must queue it back
    /// to the camera.
    package mutating func release(_ index: BufferIndex, by consumer: ConsumerID) -> Bool {
        guard let remaining = letGo(index, by: consumer, doing: "release") else { return false }
        guard remaining == 0 else { return false }
        frames[index.rawValue].state = .released
        return true
    }

    /// `index` goes back to the camera. Allowed only with no holder: a
    /// frame dropped before any consumer took it, or one every consumer
    /// released.
    package mutating func requeue(_ index: BufferIndex) -> Bool {
        guard contains(index) else {
            record("requeue of unknown buffer \(index)")
            return false
        }
        let frame = frames[index.rawValue]
        guard frame.references == 0, frame.state == .ready || frame.state == .released else {
            record("requeue \(index) while \(frame.state.rawValue) with \(frame.references) reference(s)")
            return false
        }
        frames[index.rawValue].state = .inCamera
        frames[index.rawValue].timeline = nil
        requeueCount += 1
        return true
    }

    /// `consumer` lets go of everything it holds at once (a display
    /// restored to what it showed before: nothing of ours is scanned out).
    package mutating func releaseAll(by consumer: ConsumerID) {
        for position in frames.indices where frames[position].isHeld(by: consumer) {
            _ = release(frames[position].index, by: consumer)
        }
    }

    /// Records a transition a consumer refused to make because it would
    /// break the rule (a display's second commit in flight, say).
    package mutating func refuse(_ violation: String) {
        record(violation)
    }

    // MARK: Checks

    private mutating func letGo(_ index: BufferIndex, by consumer: ConsumerID, doing action: StaticString) -> Int? {
        guard check(index, doing: "\(action) by \(consumer)", allowed: .held) else { return nil }
        guard frames[index.rawValue].isHeld(by: consumer) else {
            record("\(action) of \(index) by \(consumer), which does not hold it")
            return nil
        }
        frames[index.rawValue].holders &= ~consumer.bit
        return frames[index.rawValue].references
    }

    private func contains(_ index: BufferIndex) -> Bool { frames.indices.contains(index.rawValue) }

    /// Whether `index` is in the pool and in state `allowed` (or `alternative`).
    /// The words are made only for a violation: this runs for every frame
    /// and allocates nothing otherwise.
    private mutating func check(
        _ index: BufferIndex, doing action: @autoclosure () -> String, allowed: BufferState, or alternative: BufferState? = nil
    ) -> Bool {
        guard contains(index) else {
            record("\(action()) of unknown buffer \(index)")
            return false
        }
        let state = frames[index.rawValue].state
        guard state == allowed || state == alternative else {
            record("\(action()) \(index) while \(state.rawValue)")
            return false
        }
        return true
    }

    private mutating func record(_ violation: String) {
        violations.append(violation)
        assert(!stopsOnViolation, "buffer pool invariant: \(violation)")
    }
}
