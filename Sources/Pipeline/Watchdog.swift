/// The run's watchdogs, as arithmetic on the counters: a camera that has
/// delivered nothing for too long, or a commit whose flip event is overdue,
/// ends the run with an error instead of hanging it.
///
/// It reads the clock once per tick (twice a second), not once per
/// frame: progress is the capture count changing between ticks.
struct Watchdog: Sendable {
    /// What a tick found.
    enum Verdict: Equatable {
        case fine
        /// No frame for this many nanoseconds.
        case cameraStalled(nanoseconds: Int64)
        /// The commit in flight has waited this many nanoseconds for its flip.
        case flipOverdue(nanoseconds: Int64)
    }

    private var capturedAtLastProgress = 0
    private var lastProgressNanoseconds: Int64 = 0
    /// Ticks so far.
    private(set) var ticks = 0

    /// Starts counting from `now`.
    mutating func reset(at now: Int64) {
        capturedAtLastProgress = 0
        lastProgressNanoseconds = now
        ticks = 0
    }

    /// One tick at `now`, with `captured` frames so far and the commit in
    /// flight issued at `pendingCommit` (nil when none is).
    mutating func tick(
        now: Int64, captured: Int, pendingCommit: Int64?, cameraTimeoutNanoseconds: Int64, flipTimeoutNanoseconds: Int64
    ) -> Verdict {
        ticks += 1
        if captured != capturedAtLastProgress {
            capturedAtLastProgress = captured
            lastProgressNanoseconds = now
        }
        let idle = now - lastProgressNanoseconds
        if idle > cameraTimeoutNanoseconds { return .cameraStalled(nanoseconds: idle) }
        if let pendingCommit {
            let waiting = now - pendingCommit
            if waiting > flipTimeoutNanoseconds { return .flipOverdue(nanoseconds: waiting) }
        }
        return .fine
    }
}
