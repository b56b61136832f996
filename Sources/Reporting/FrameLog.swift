import Pipeline

/// The records of a run, collected on the pipeline queue for a benchmark
/// report. Storage is reserved up front so that recording in steady state
/// does not allocate.
package final class FrameLog {
    /// The records in the order their fates became known.
    package private(set) var records: [FrameRecord] = []

    /// A log with room for the frames of a run of `expectedFrames` shown
    /// frames (and the superseded and dropped ones around them).
    package init(expectedFrames: Int) {
        records.reserveCapacity(expectedFrames * 3 + 64)
    }

    /// Keeps one record.
    package func append(_ record: FrameRecord) {
        records.append(record)
    }

    /// Every frame of the run, by camera sequence number.
    package var bySequence: [FrameRecord] {
        records.sorted { $0.sequence < $1.sequence }
    }
}
