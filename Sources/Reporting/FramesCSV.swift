import Foundation
import Pipeline

/// `frames.csv` of `framepipe bench`: one line per camera frame, the
/// columns named in its first line, the first saying whose frame it was
/// (the camera's path).
package enum FramesCSV {
    private static let columns = "sequence,outcome,buffer,timestamp_source,capture_ns,dequeue_ns,commit_ns,flip_ns,vblank_sequence,vblanks_missed,total_ms,capture_side_ms,pipeline_side_ms,conversion_ms"

    /// frames.csv of each camera's records, camera after camera.
    package static func render(sources: [(camera: String, records: [FrameRecord])]) -> String {
        var out = "camera," + columns + "\n"
        for source in sources { appendRows(source.records, prefix: source.camera + ",", to: &out) }
        return out
    }

    private static func appendRows(_ records: [FrameRecord], prefix: String, to out: inout String) {
        func field<T>(_ value: T?) -> String { value.map { "\($0)" } ?? "" }
        func ms(_ value: Int64?) -> String { value.map { String(format: "%.3f", Double($0) / 1e6) } ?? "" }
        for r in records {
            out += prefix + [String(r.sequence), r.outcome.rawValue, field(r.bufferIndex), field(r.timestampSource),
                             field(r.captureNanoseconds), field(r.dequeueNanoseconds), field(r.commitNanoseconds), field(r.flipNanoseconds),
                             field(r.vblankSequence), field(r.vblanksMissed), ms(r.totalNanoseconds), ms(r.captureSideNanoseconds),
                             ms(r.pipelineSideNanoseconds), ms(r.conversionNanoseconds)].joined(separator: ",") + "\n"
        }
    }
}
