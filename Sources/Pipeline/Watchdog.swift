/// The run's watchdogs, as arithmetic on the counters: a camera that has
/// delivered nothing for too long, or a commit whose flip event is overdue,
/// ends the run with an error instead of hanging it.
///
/// It reads the clock once per tick (four times a second), not once per
/// frame: progress is the capture count changing between ticks.
struct Watchdog: Sendable {
    /// What a tick found.
    enum Verdict: Equatable {
        case fine
        /// No frame for this many seconds.
        case cameraStalled(seconds: Double)
        /// The commit in flight has waited this many seconds for its flip.
        case flipOverdue(seconds: Double)
    }

    private var capturedAtLastProgress = 0
    private var lastProgressNanoseconds: Int64 = 0
    /// Ticks so far (status is reported every other tick).
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
        now: Int64, captured: Int, pendingCommit: Int64?, cameraTimeout: Double, flipTimeout: Double
    ) -> Verdict {
        ticks += 1
        if captured != capturedAtLastProgress {
            capturedAtLastProgress = captured
            lastProgressNanoseconds = now
        }
        let idle = Double(now - lastProgressNanoseconds) / 1e9
        if idle > cameraTimeout { return .cameraStalled(seconds: idle) }
        if let pendingCommit {
            let waiting = Double(now - pendingCommit) / 1e9
            if waiting > flipTimeout { return .flipOverdue(seconds: waiting) }
        }
        return .fine
    }
}
