/// The display's commits as the scheduler tracks them: the changes being
/// gathered for the next commit, the ones in flight (at most one commit),
/// when it was issued, and when a gathered commit is due. Storage is
/// reserved once: nothing is allocated per frame.
struct CommitFlight {
    /// The next commit's changes, while they are put together.
    var changes: [SourceChange]
    /// The changes of the commit in flight.
    var inFlight: [SourceChange]
    /// Whether a commit awaits its flip.
    var isPending = false
    /// When the commit in flight was issued (CLOCK_MONOTONIC).
    var issuedNanoseconds: Int64?
    /// When a gathered commit is due, while one is.
    var dueNanoseconds: Int64?
    /// The vblank the commit being gathered is for, then (once launched)
    /// the one the commit in flight was gathered for; nil for a commit
    /// made as a frame came.
    var gatheredFor: Int64?
    var inFlightGatheredFor: Int64?

    init(capacity: Int) {
        changes = []
        changes.reserveCapacity(capacity)
        inFlight = []
        inFlight.reserveCapacity(capacity)
    }

    /// The changes just committed are in flight.
    mutating func launch(at time: Int64) {
        swap(&changes, &inFlight)
        isPending = true
        issuedNanoseconds = time
        inFlightGatheredFor = gatheredFor
        gatheredFor = nil
    }
}
