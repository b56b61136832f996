import Pipeline

/// The records of a run, collected on the pipeline queue for a benchmark
/// report. Storage is reserved up front so that recording in steady state
/// does not allocate.
public final class FrameLog {
    /// The records in the order their fates became known.
    public private(set) var records: [FrameRecord] = []

    /// A log with room for the frames of a run of `expectedFrames` shown
    /// frames (and the superseded and dropped ones around them).
    public init(expectedFrames: Int) {
        records.reserveCapacity(expectedFrames * 3 + 64)
    }

    /// Keeps one record.
    public func append(_ record: FrameRecord) {
        records.append(record)
    }

    /// Every frame of the run, by camera sequence number.
    public var bySequence: [FrameRecord] {
        records.sorted { $0.sequence < $1.sequence }
    }
}
