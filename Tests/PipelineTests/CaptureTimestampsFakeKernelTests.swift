import CV4L2
import KMS
@testable import Pipeline
import Platform
import Reporting
import TestSupport
import V4L2
import XCTest

/// Buffer timestamps from the driver to the report, on the fake kernel:
/// the scheduler keeps a stamp only when the buffer's flags say
/// CLOCK_MONOTONIC and records what it marks; the report names stamps
/// that cannot be capture times (from the future, from another clock) in
/// one line and makes no latency of them.
final class CaptureTimestampsFakeKernelTests: XCTestCase {
    /// Runs one camera for 8 shown frames, the sensor stamping each buffer
    /// 2 ms before the pipeline's clock reaches it (plus the stamping's
    /// own offset); returns the records and the camera's report.
    private func run(_ stamping: TestSupport.FakeCamera.Stamping) throws -> (records: [FrameRecord], report: CameraReport, latency: LatencySummary) {
        let fake = FakeKernel()
        let camera = fake.addCamera(at: "/dev/video0")
        let card = fake.addCard(at: "/dev/dri/card0", configuration: .init(overlayPlane: true))
        camera.stamping = stamping
        var configuration = PipelineConfiguration()
        var source = SourceConfiguration()
        source.device = "/dev/video0"
        source.format = FourCC("XR24")
        source.width = 640
        source.height = 480
        configuration.source = source
        configuration.sink.card = "/dev/dri/card0"
        configuration.sink.mode = ModeRequest(parsing: "640x480")
        var made: EmbeddedEventLoop?
        var records: [FrameRecord] = []
        let summary: PipelineSummary
        let period: Int64
        do {
            let pipeline = try FramePipeline(configuration: configuration, kernel: fake) { queue in
                let loop = EmbeddedEventLoop(queue: queue, kernel: fake, start: card.clockNanoseconds)
                made = loop
                return loop
            }
            let loop = try XCTUnwrap(made)
            period = Int64((1e9 / pipeline.displayPlan.mode.refreshRate).rounded())
            pipeline.onFrame = { records.append($0) }
            pipeline.start(frames: 8)
            pipeline.onQueue {}
            let interval = camera.frameInterval
            let frameNanoseconds = Int64(interval.numerator) * 1_000_000_000 / Int64(max(interval.denominator, 1))
            for _ in 0..<12 where pipeline.statistics[0].shown < 8 {
                // The next stamp: 2 ms before the clock the loop is about to reach.
                camera.setClock(nanoseconds: card.clockNanoseconds - frameNanoseconds - 2_000_000)
                camera.fill()
                loop.advance(toNanoseconds: card.clockNanoseconds)
                loop.run()
                card.vblank()
                loop.advance(toNanoseconds: card.clockNanoseconds)
                loop.run()
            }
            pipeline.stop()
            summary = try RunGuard.wait(pipeline)
        }
        XCTAssertEqual(summary.sources.first?.statistics.shown, 8)
        let shownSource = try XCTUnwrap(summary.sources.first)
        return (records, CameraReport(records: records, source: shownSource, periodNanoseconds: period), shownSource.latency)
    }

    func testStartOfExposureStampsOnTheMonotonicClockGiveLatency() throws {
        let (records, report, latency) = try run(.startOfExposure)
        XCTAssertNil(latency.leftOut)
        XCTAssertEqual(latency.count, 7, "the pipeline's own summary too")
        let dequeued = records.filter { $0.dequeueNanoseconds != nil }
        XCTAssertFalse(dequeued.isEmpty)
        for record in dequeued {
            XCTAssertEqual(record.timestampSource, "start-of-exposure")
            XCTAssertEqual(record.captureSideNanoseconds, 2_000_000, "\(record)")
        }
        XCTAssertNil(report.timestampProblem)
        XCTAssertEqual(report.latencyMilliseconds.captureSide?.p50Milliseconds ?? 0, 2, accuracy: 1e-9)
        XCTAssertEqual(report.latencyMilliseconds.total?.count, 7, "shown frames but the modeset's")
        XCTAssertEqual(report.earliestVblank.bufferDone, "start-of-exposure stamp + 2.00 ms, the camera's fastest stamp → dequeue")
    }

    /// vivid's default: end-of-frame stamps 0.9 frame interval after it
    /// fills the buffer, so later than the dequeue.
    func testEndOfFrameStampsFromTheFutureAreNamedAndLeftOut() throws {
        let (records, report, latency) = try run(.endOfFrame(aheadNanoseconds: 30_000_000))
        // The pipeline's own summary (preview, embedders) gives no figures either.
        XCTAssertEqual(latency.leftOut, "timestamps unusable: 9 of 9 later than their dequeue")
        XCTAssertEqual(latency.count, 0)
        XCTAssertTrue(records.filter { $0.dequeueNanoseconds != nil }.allSatisfy { $0.timestampSource == "end-of-frame" })
        let problem = try XCTUnwrap(report.timestampProblem)
        XCTAssertTrue(problem.hasSuffix(" later than their dequeue, by 28.0 ms at the median"), problem)
        XCTAssertNil(report.latencyMilliseconds.total)
        XCTAssertNil(report.latencyMilliseconds.captureSide)
        XCTAssertEqual(report.latencyMilliseconds.pipelineSide.count, 7)
        XCTAssertEqual(report.earliestVblank.bufferDone, "the dequeue")
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any])
        XCTAssertNil((json["latencyMilliseconds"] as? [String: Any])?["total"])
    }

    /// Copied timestamps (a memory-to-memory device's): not CLOCK_MONOTONIC,
    /// so the scheduler keeps none.
    func testStampsOnAnotherClockAreDroppedAndNamed() throws {
        let copied = TestSupport.FakeCamera.Stamping(clockFlag: UInt32(V4L2_BUF_FLAG_TIMESTAMP_COPY), sourceFlag: UInt32(V4L2_BUF_FLAG_TSTAMP_SRC_SOE))
        let (records, report, latency) = try run(copied)
        XCTAssertEqual(latency.leftOut, "timestamps unusable: 9 of 9 not on CLOCK_MONOTONIC")
        XCTAssertTrue(records.allSatisfy { $0.captureNanoseconds == nil })
        let problem = try XCTUnwrap(report.timestampProblem)
        XCTAssertTrue(problem.hasSuffix(" not on CLOCK_MONOTONIC (no V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC)"), problem)
        XCTAssertNil(report.latencyMilliseconds.total)
        XCTAssertEqual(report.text.filter { $0.hasPrefix("/dev/video0: buffer timestamps unusable") }.count, 1, report.text.joined(separator: "\n"))
    }
}
