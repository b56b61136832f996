import Foundation
import Pipeline
import Reporting
import XCTest

/// Timestamps that cannot be capture times (from the future, from another
/// clock): said so in one line, and no latency is made of them.
final class CaptureTimestampsTests: XCTestCase {
    private let ms: Int64 = 1_000_000

    /// Shown frames every 40 ms, dequeued `wait` ms after their stamp
    /// (negative: the stamp is later), shown 10 ms after the dequeue; the
    /// first rode on the modeset. `capture: false` leaves the stamps out,
    /// as the scheduler does when they are not on CLOCK_MONOTONIC.
    private func records(wait: Int64, source: String = "end-of-frame", capture: Bool = true) -> [FrameRecord] {
        (0..<5).map { index in
            let stamp = 1_000 * ms + Int64(index) * 40 * ms
            var record = FrameRecord(
                sequence: UInt32(index), bufferIndex: index % 4, captureNanoseconds: capture ? stamp : nil, timestampSource: source,
                dequeueNanoseconds: stamp + wait * ms, commitNanoseconds: stamp + wait * ms + ms,
                flipNanoseconds: stamp + wait * ms + 10 * ms, vblankSequence: UInt32(index), outcome: .shown, vblanksMissed: 0)
            record.isModesetFrame = index == 0
            return record
        }
    }

    private func report(_ records: [FrameRecord]) -> CameraReport {
        let source = SourceSummary(camera: "/dev/video0", format: "XR24", width: 640, height: 480, bufferCount: 4, plane: 31,
                                   statistics: PipelineStatistics(), shownPerSecond: 25, poolViolations: [])
        return CameraReport(records: records, source: source, periodNanoseconds: 16_666_667)
    }

    func testUsableStampsGiveTheLatency() throws {
        let camera = report(records(wait: 3, source: "start-of-exposure"))
        XCTAssertNil(camera.timestampProblem)
        XCTAssertEqual(camera.latencyMilliseconds.total?.p50Milliseconds ?? 0, 13, accuracy: 1e-9)
        XCTAssertEqual(camera.latencyMilliseconds.captureSide?.count, 4)
        XCTAssertFalse(camera.text.joined(separator: "\n").contains("unusable"))
    }

    /// vivid's default end-of-frame stamps lie 0.9 frame ahead: later than
    /// the dequeue. The latency from them was printed as 0.00 (negative
    /// spans counted as 1 µs).
    func testStampsLaterThanTheDequeueAreNamedAndLeftOut() throws {
        let camera = report(records(wait: -34))
        let problem = try XCTUnwrap(camera.timestampProblem)
        XCTAssertEqual(problem, "5 of 5 later than their dequeue, by 34.0 ms at the median")
        XCTAssertNil(camera.latencyMilliseconds.total)
        XCTAssertNil(camera.latencyMilliseconds.captureSide)
        XCTAssertEqual(camera.latencyMilliseconds.pipelineSide.p50Milliseconds, 10, accuracy: 1e-9, "the pipeline's own span stays")
        let text = camera.text
        XCTAssertEqual(text.filter { $0.contains("unusable") },
                       ["/dev/video0: buffer timestamps unusable (end-of-frame): \(problem); latency from capture left out"])
        XCTAssertFalse(text.contains { $0.hasPrefix("  total") || $0.hasPrefix("  capture side") }, text.joined(separator: "\n"))
        XCTAssertTrue(text.contains { $0.hasPrefix("  pipeline side") })
        // Not in report.json either; the feasible vblank falls back on the dequeue.
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONEncoder().encode(camera)) as? [String: Any])
        let latency = try XCTUnwrap(json["latencyMilliseconds"] as? [String: Any])
        XCTAssertEqual(Set(latency.keys), ["pipelineSide", "dequeueToCommit"])
        XCTAssertEqual(json["timestampProblem"] as? String, problem)
        XCTAssertEqual(camera.earliestVblank.bufferDone, "the dequeue")
        let timestamps = CaptureTimestamps(records: records(wait: -34))
        XCTAssertEqual(timestamps.bufferDoneNanoseconds(records(wait: -34)[1]), records(wait: -34)[1].dequeueNanoseconds)
    }

    /// One stamp from the future is enough: it cannot be a capture time,
    /// and the others would be summarised beside it.
    func testOneStampLaterThanItsDequeueIsEnough() {
        var mixed = records(wait: 3, source: "start-of-exposure")
        mixed[3].dequeueNanoseconds = (mixed[3].captureNanoseconds ?? 0) - ms
        XCTAssertEqual(CaptureTimestamps(records: mixed).problem, "1 of 5 later than their dequeue, by 1.0 ms at the median")
    }

    /// Not on CLOCK_MONOTONIC: the records carry no capture time.
    func testStampsOnAnotherClockAreNamed() {
        let camera = report(records(wait: 3, source: "start-of-exposure", capture: false))
        XCTAssertEqual(camera.timestampProblem, "5 of 5 not on CLOCK_MONOTONIC (no V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC)")
        XCTAssertNil(camera.latencyMilliseconds.total)
        // Flagged monotonic but seconds away from it: another clock.
        XCTAssertEqual(CaptureTimestamps(records: records(wait: 5_000)).problem, "5.0 s before their dequeue at the median: not CLOCK_MONOTONIC")
        XCTAssertNil(CaptureTimestamps(records: records(wait: 900)).problem, "a slow frame is not another clock")
    }

    /// frames.csv keeps the raw stamps and leaves the spans made of them empty.
    func testTheCSVLeavesOutSpansFromUnusableStamps() throws {
        let csv = FramesCSV.render(sources: [("/dev/video0", records(wait: -34))], periodNanoseconds: 16_666_667).split(separator: "\n")
        let header = csv[0].split(separator: ",")
        let total = try XCTUnwrap(header.firstIndex(of: "total_ms")), side = try XCTUnwrap(header.firstIndex(of: "capture_side_ms"))
        let capture = try XCTUnwrap(header.firstIndex(of: "capture_ns")), pipeline = try XCTUnwrap(header.firstIndex(of: "pipeline_side_ms"))
        for line in csv.dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            XCTAssertEqual(fields[total], "")
            XCTAssertEqual(fields[side], "")
            XCTAssertNotEqual(fields[capture], "")
            XCTAssertEqual(fields[pipeline], "10.000")
        }
    }

    /// The start-up line names no capture time that came after the dequeue.
    func testTheFirstFrameHasNoCaptureTimeFromTheFuture() throws {
        let start = 900 * ms
        let future = try XCTUnwrap(StartupTimes.FirstFrame(record: records(wait: -34)[0], commandStart: start))
        XCTAssertNil(future.capturedMilliseconds)
        XCTAssertEqual(future.dequeuedMilliseconds ?? 0, 66, accuracy: 1e-9)
        let usable = try XCTUnwrap(StartupTimes.FirstFrame(record: records(wait: 3)[0], commandStart: start))
        XCTAssertEqual(usable.capturedMilliseconds ?? 0, 100, accuracy: 1e-9)
    }
}
