import CV4L2
import Foundation
import Pipeline
import V4L2
import XCTest

final class LatencyArithmeticTests: XCTestCase {
    private let period: Int64 = 16_666_667

    func testVblanksMissed() {
        // Shown at the first vblank after dequeue: 0 missed.
        XCTAssertEqual(vblanksMissed(dequeue: 0, flip: 5_000_000, period: period), 0)
        XCTAssertEqual(vblanksMissed(dequeue: 0, flip: period, period: period), 0)
        // One vblank passed between dequeue and the flip.
        XCTAssertEqual(vblanksMissed(dequeue: 0, flip: period + 5_000_000, period: period), 1)
        XCTAssertEqual(vblanksMissed(dequeue: 1_000_000, flip: 1_000_000 + 3 * period - 1, period: period), 2)
        // Nonsense inputs never go negative.
        XCTAssertEqual(vblanksMissed(dequeue: 10, flip: 5, period: period), 0)
        XCTAssertEqual(vblanksMissed(dequeue: 0, flip: 5, period: 0), 0)
    }

    func testPercentilesOfKnownSamples() {
        // 1..100 ms: p50 = 50, p90 = 90, p99 = 99, max = 100 (3 significant digits).
        let summary = LatencySummary(nanoseconds: (1...100).map { Int64($0) * 1_000_000 })
        XCTAssertEqual(summary.count, 100)
        XCTAssertEqual(summary.min, 1, accuracy: 0.01)
        XCTAssertEqual(summary.p50, 50, accuracy: 0.1)
        XCTAssertEqual(summary.p90, 90, accuracy: 0.1)
        XCTAssertEqual(summary.p99, 99, accuracy: 0.1)
        XCTAssertEqual(summary.max, 100, accuracy: 0.1)
        XCTAssertEqual(summary.mean, 50.5, accuracy: 0.1)
        XCTAssertEqual(LatencySummary(nanoseconds: []), .empty)
    }
}

/// Synthetic event streams through the recorder, as the scheduler emits them.
final class LatencyRecorderTests: XCTestCase {
    private var now: Int64 = 0
    private func frame(_ index: Int, _ sequence: UInt32, at capture: Int64, error: Bool = false) -> CapturedFrame {
        CapturedFrame(index: index, sequence: sequence, timestampNanoseconds: capture,
                      flags: UInt32(V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC | V4L2_BUF_FLAG_TSTAMP_SRC_SOE) | (error ? UInt32(V4L2_BUF_FLAG_ERROR) : 0),
                      bytesUsed: PlaneValues([1]), dataOffsets: PlaneValues([0]))
    }

    func testShownSupersededErroredAndGapsAreEachAccountedOnce() throws {
        let recorder = LatencyRecorder(expectedFrames: 10, refreshPeriodNanoseconds: 16_000_000, clock: { [unowned self] in self.now })
        // seq 0: dequeued at 10 ms (captured at 2 ms), committed, shown at vblank 16 ms.
        now = 10_000_000
        recorder.record(.dequeued(frame(0, 0, at: 2_000_000)))
        recorder.record(.committed(bufferIndex: 0, sequence: 0))
        now = 17_000_000
        recorder.record(.shown(FlipCompletion(bufferIndex: 0, vblankSequence: 1, timestampNanoseconds: 16_000_000), sequence: 0))
        // seq 1 superseded by seq 2; seq 2 shown one vblank late (dequeued 20, shown at 48).
        now = 20_000_000
        recorder.record(.dequeued(frame(1, 1, at: 15_000_000)))
        now = 21_000_000
        recorder.record(.dequeued(frame(2, 2, at: 18_000_000)))
        recorder.record(.superseded(bufferIndex: 1, sequence: 1))
        recorder.record(.committed(bufferIndex: 2, sequence: 2))
        recorder.record(.shown(FlipCompletion(bufferIndex: 2, vblankSequence: 3, timestampNanoseconds: 48_000_000), sequence: 2))
        // seq 3, 4 never arrive; seq 5 errored; seq 6 still in flight.
        now = 60_000_000
        recorder.record(.dequeued(frame(1, 5, at: 55_000_000, error: true)))
        recorder.record(.cameraError(bufferIndex: 1, sequence: 5))
        recorder.record(.dequeued(frame(3, 6, at: 58_000_000)))

        let all = recorder.allFrames()
        XCTAssertEqual(all.map(\.sequence), [0, 1, 2, 3, 4, 5, 6], "every sequence exactly once, gaps filled")
        XCTAssertEqual(all.map(\.outcome), [.shown, .superseded, .shown, .droppedByCamera, .droppedByCamera, .cameraError, .inFlight])
        XCTAssertEqual(all[0].totalNanoseconds, 14_000_000)
        XCTAssertEqual(all[0].captureSideNanoseconds, 8_000_000)
        XCTAssertEqual(all[0].pipelineSideNanoseconds, 6_000_000)
        XCTAssertEqual(all[0].vblanksMissed, 0)
        XCTAssertEqual(all[2].vblanksMissed, 1, "dequeued at 21 ms: vblank 32 was possible, shown at 48")
        XCTAssertEqual(all[2].commitNanoseconds, 21_000_000)

        let summary = PreviewSummary(
            camera: "c", card: "d", format: "f", width: 1, height: 1, bufferCount: 4, connector: "x", mode: "m",
            plane: nil, atomic: true, statistics: PipelineStatistics(), seconds: 1, stopReason: .frameCount,
            framebuffersFromCaptureBuffers: 4, poolViolations: [])
        let report = BenchmarkReport.make(records: all, summary: summary, refreshHz: 62.5, cpu: (0.5, 0.25),
                                          allocations: .init(measured: true, perFrameSteadyState: 0, framesMeasured: 2, allocationsMeasured: 0))
        XCTAssertEqual(report.frames.total, 7)
        XCTAssertEqual(report.frames.shown, 2)
        XCTAssertEqual(report.frames.superseded, 1)
        XCTAssertEqual(report.frames.cameraDropped, 2)
        XCTAssertEqual(report.frames.cameraErrors, 1)
        XCTAssertEqual(report.frames.inFlightAtEnd, 1)
        let f = report.frames
        let accounted: Int = f.shown + f.superseded + f.cameraDropped + f.cameraErrors + f.inFlightAtEnd
        XCTAssertEqual(accounted, f.total)
        // The first shown frame (the modeset's) stays out of the statistics.
        XCTAssertEqual(report.earliestVblank.share, 0)
        XCTAssertEqual(report.earliestVblank.missed, ["1": 1])
        XCTAssertEqual(report.latencyMilliseconds.total.count, 1)
        XCTAssertEqual(report.latencyMilliseconds.total.max, 30, accuracy: 0.05)
        XCTAssertEqual(report.cpu.perShownFrameMilliseconds, 375, accuracy: 0.001, "CPU over all shown frames")
        XCTAssertEqual(report.timestampSource, "start-of-exposure")

        let csv = BenchmarkReport.csv(all).split(separator: "\n")
        XCTAssertEqual(csv.count, 8)
        XCTAssertTrue(csv[1].hasPrefix("0,shown,0,start-of-exposure,2000000,10000000,10000000,16000000,1,0,14.000,8.000,6.000"), String(csv[1]))
        XCTAssertTrue(csv[4].hasPrefix("3,droppedByCamera,"), String(csv[4]))

        let svg = BenchmarkPlot.svg(records: all, report: report)
        XCTAssertTrue(svg.hasPrefix("<svg"))
        XCTAssertEqual(svg.components(separatedBy: "<circle").count - 1, 2, "one dot per shown frame")
    }
}
