/// Follows a camera's sequence numbers: a jump means the camera dropped
/// frames (it had no buffer to fill), a number that does not advance is
/// counted apart. Shared by both schedulers.
struct SequenceTracker {
    private var last: UInt32?

    /// What `sequence` says after the one before it: how many frames were
    /// skipped (their numbers start at `firstMissing`), or that it repeated.
    mutating func note(_ sequence: UInt32) -> (missing: UInt32, firstMissing: UInt32, repeated: Bool) {
        guard let last else {
            self.last = sequence
            return (0, sequence, false)
        }
        guard sequence > last else { return (0, sequence, true) }
        self.last = sequence
        return (sequence - last - 1, last &+ 1, false)
    }
}

extension SequenceTracker {
    /// Notes `sequence`: a repeat is counted in `statistics`, a gap counted
    /// as frames the camera dropped and each reported through `report` (up
    /// to ``Scheduler/gapRecordLimit``; a larger gap, a camera restart, is
    /// counted but not listed).
    mutating func note(_ sequence: UInt32, into statistics: inout PipelineStatistics, report: (FrameRecord) -> Void) {
        let (missing, firstMissing, repeated) = note(sequence)
        if repeated { statistics.cameraRepeatedSequences += 1 }
        guard missing > 0 else { return }
        statistics.cameraDropped += Int(missing)
        for skipped in firstMissing..<(firstMissing + min(missing, Scheduler.gapRecordLimit)) {
            report(FrameRecord(sequence: skipped, outcome: .droppedByCamera))
        }
    }
}
