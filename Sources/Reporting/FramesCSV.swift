import Platform
import Pipeline

/// `frames.csv` of `framepipe bench`: one line per camera frame, the
/// columns named in its first line, the first saying whose frame it was
/// (the camera's path). The last two judge it as the report does:
/// `buffer_done_ns`, when its buffer is taken to have been done
/// (``CaptureTimestamps/bufferDoneNanoseconds(_:)``), and for shown frames
/// `vblanks_late`, vblanks after the earliest feasible one
/// (``EarliestVblank``). With unusable timestamps `total_ms` and
/// `capture_side_ms` stay empty (the raw `capture_ns` is kept).
package enum FramesCSV {
    private static let columns = "sequence,outcome,buffer,timestamp_source,capture_ns,dequeue_ns,commit_ns,flip_ns,vblank_sequence,vblanks_missed,total_ms,capture_side_ms,pipeline_side_ms,conversion_ms,buffer_done_ns,vblanks_late"

    /// frames.csv of each camera's records, camera after camera, on a
    /// display whose vblanks come every `periodNanoseconds`.
    package static func render(sources: [(camera: String, records: [FrameRecord])], periodNanoseconds: Int64) -> String {
        var out = "camera," + columns + "\n"
        for source in sources {
            appendRows(source.records, timestamps: CaptureTimestamps(records: source.records), periodNanoseconds: periodNanoseconds,
                       prefix: source.camera + ",", to: &out)
        }
        return out
    }

    private static func appendRows(
        _ records: [FrameRecord], timestamps: CaptureTimestamps, periodNanoseconds: Int64, prefix: String, to out: inout String
    ) {
        func field<T>(_ value: T?) -> String { value.map { "\($0)" } ?? "" }
        func ms(_ value: Int64?) -> String { value.map { NumberText.fixed(Double($0) / 1e6, 3) } ?? "" }
        let usable = timestamps.isUsable
        for r in records {
            let done = timestamps.bufferDoneNanoseconds(r)
            var late: Int?
            if r.outcome == .shown, let done, let flip = r.flipNanoseconds {
                late = EarliestVblank.vblanksLate(done: done, flip: flip, periodNanoseconds: periodNanoseconds)
            }
            out += prefix + [String(r.sequence), r.outcome.rawValue, field(r.bufferIndex), field(r.timestampSource),
                             field(r.captureNanoseconds), field(r.dequeueNanoseconds), field(r.commitNanoseconds), field(r.flipNanoseconds),
                             field(r.vblankSequence), field(r.vblanksMissed), ms(usable ? r.totalNanoseconds : nil),
                             ms(usable ? r.captureSideNanoseconds : nil), ms(r.pipelineSideNanoseconds), ms(r.conversionNanoseconds),
                             field(done), field(late)].joined(separator: ",") + "\n"
        }
    }
}
