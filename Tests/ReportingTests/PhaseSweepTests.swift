import Foundation
import Pipeline
import Reporting
import XCTest

/// One run of a phase sweep, summarised from its frame records.
final class PhaseSweepTests: XCTestCase {
    private let ms: Int64 = 1_000_000

    /// Frames every 16 ms, dequeued 4 ms into the period: the modeset frame
    /// (left out), two on time, one a vblank late, one dropped to catch up.
    private var records: [FrameRecord] {
        [
            FrameRecord(sequence: 0, bufferIndex: 0, captureNanoseconds: 2 * ms, dequeueNanoseconds: 4 * ms, commitNanoseconds: 4 * ms,
                        flipNanoseconds: 16 * ms, outcome: .shown, vblanksMissed: 0, isModesetFrame: true),
            FrameRecord(sequence: 1, bufferIndex: 1, captureNanoseconds: 18 * ms, dequeueNanoseconds: 20 * ms, commitNanoseconds: 20 * ms,
                        flipNanoseconds: 32 * ms, outcome: .shown, vblanksMissed: 0),
            FrameRecord(sequence: 2, bufferIndex: 2, captureNanoseconds: 34 * ms, dequeueNanoseconds: 36 * ms, commitNanoseconds: 36 * ms,
                        flipNanoseconds: 48 * ms, outcome: .shown, vblanksMissed: 0),
            FrameRecord(sequence: 3, bufferIndex: 3, captureNanoseconds: 50 * ms, dequeueNanoseconds: 52 * ms, commitNanoseconds: 64 * ms,
                        flipNanoseconds: 80 * ms, outcome: .shown, vblanksMissed: 1),
            FrameRecord(sequence: 4, bufferIndex: 0, captureNanoseconds: 66 * ms, dequeueNanoseconds: 68 * ms, outcome: .droppedToCatchUp),
        ]
    }

    func testARunCountsItsFramesAndFindsTheDequeuePhase() {
        let run = PhaseSweep.Run(records: records, startPhase: 0.25, periodNanoseconds: 16 * ms)
        XCTAssertEqual(run.shown, 4)
        XCTAssertEqual(run.droppedToCatchUp, 1)
        XCTAssertEqual(run.latencyMilliseconds?.count, 3, "the modeset frame is left out")
        XCTAssertEqual(run.latencyMilliseconds?.maxMilliseconds ?? 0, 30, accuracy: 0.05)
        XCTAssertEqual(run.firstVblankAfterDequeueShare, 2.0 / 3.0, accuracy: 1e-9)
        // Seq 3 waited in the pipeline (dequeued at 52 ms, committed at
        // 64): late by either rule.
        XCTAssertEqual(run.earliestVblankShare, 2.0 / 3.0, accuracy: 1e-9)
        XCTAssertNil(run.timestampProblem)
        XCTAssertEqual(try XCTUnwrap(run.dequeuePhase), 0.25, accuracy: 1e-9, "dequeued 4 ms into each 16 ms period")
    }

    func testTheTableAndThePlotHaveEveryRun() throws {
        let runs = (0..<4).map { PhaseSweep.Run(records: records, startPhase: Double($0) / 4, periodNanoseconds: 16 * ms) }
        let sweep = PhaseSweep(refreshHz: 62.5, framesPerRun: 4, runs: runs)
        let lines = sweep.text.split(separator: "\n")
        XCTAssertEqual(lines.count, 2 + 4)
        // A row per run, in order, starting with the run's start phase.
        XCTAssertEqual(lines.dropFirst(2).map { $0.split(separator: " ").first.map(String.init) }, ["0.000", "0.250", "0.500", "0.750"])
        XCTAssertTrue(sweep.svg.hasPrefix("<svg"))
        XCTAssertEqual(sweep.svg.components(separatedBy: "<circle").count - 1, 4 * 5, "p50, p90, p99 and the two shares, per run")
        XCTAssertEqual(try JSONDecoder().decode(PhaseSweep.self, from: JSONEncoder().encode(sweep)), sweep)
    }
}
