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
        XCTAssertEqual(summary.min, .milliseconds(1))
        XCTAssertEqual(summary.p50, .milliseconds(50))
        XCTAssertEqual(summary.p90, .milliseconds(90))
        XCTAssertEqual(summary.p99, .milliseconds(99))
        XCTAssertEqual(summary.max, .milliseconds(100))
        XCTAssertEqual(summary.mean, .microseconds(50_500))
        // report.json's figures: milliseconds.
        XCTAssertEqual(summary.p50Milliseconds, 50)
        XCTAssertEqual(summary.meanMilliseconds, 50.5, accuracy: 1e-9)
        XCTAssertEqual(LatencySummary(nanoseconds: []), .empty)
    }

    func testPercentilesAreExactNearestRank() {
        // Ten samples, shuffled: p50 is the 5th smallest, p90 the 9th,
        // p99 and p99.9 the largest; nanoseconds kept (no 3-digit rounding).
        let samples: [Int64] = [7, 3, 10, 1, 9, 5, 2, 8, 6, 4].map { $0 * 1_000_000 + 123_456 }
        let summary = LatencySummary(nanoseconds: samples)
        XCTAssertEqual(summary.p50, .nanoseconds(5_123_456))
        XCTAssertEqual(summary.p90, .nanoseconds(9_123_456))
        XCTAssertEqual(summary.p99, .nanoseconds(10_123_456))
        XCTAssertEqual(summary.p99_9, .nanoseconds(10_123_456))
        XCTAssertEqual(summary.min, .nanoseconds(1_123_456))
        XCTAssertEqual(summary.mean, .nanoseconds(5_623_456))
        XCTAssertEqual(summary.p50Milliseconds, 5.123456, accuracy: 1e-9)
        // A negative sample (end-of-frame stamp from the future) counts as 1 µs.
        let clamped = LatencySummary(nanoseconds: [-5_000_000, 2_000_000])
        XCTAssertEqual(clamped.count, 2)
        XCTAssertEqual(clamped.min, .microseconds(1))
        XCTAssertEqual(clamped.p50, .microseconds(1))
        XCTAssertEqual(clamped.max, .milliseconds(2))
    }
}

/// The scheduler reports every frame's fate once, with its timeline.
final class FrameRecordTests: XCTestCase {
    private var now: Int64 = 0
    private let milliseconds: Int64 = 1_000_000

    /// A scripted camera and a 16 ms display under a scheduler on the
    /// test's clock (`now`).
    private func rig() -> (FakeCamera, FakeDisplay, Scheduler) {
        let camera = FakeCamera(bufferCount: 4)
        let display = FakeDisplay()
        display.period = 16 * milliseconds
        let scheduler = Scheduler(
            cameras: [camera], bufferCounts: [4], display: display, refreshPeriodNanoseconds: 16 * milliseconds,
            clock: { [unowned self] in self.now })
        return (camera, display, scheduler)
    }

    func testShownSupersededErroredDroppedAndInFlightFramesAreEachReportedOnce() throws {
        let (camera, display, scheduler) = rig()
        var records: [FrameRecord] = []
        scheduler.onFrame = { records.append($0) }

        // seq 0 rides on the modeset, shown at vblank 1 (16 ms).
        now = 10 * milliseconds
        camera.fill(0, sequence: 0, capturedAt: 2 * milliseconds)
        try scheduler.cameraReadable()
        display.vblank = 1
        try scheduler.displayReadable()
        // seq 1: dequeued at 20 ms, shown at the first vblank after (32 ms).
        now = 20 * milliseconds
        camera.fill(1, sequence: 1, capturedAt: 18 * milliseconds)
        try scheduler.cameraReadable()
        // seq 2 arrives while 1's flip is pending; seq 3 supersedes it.
        now = 30 * milliseconds
        camera.fill(2, sequence: 2, capturedAt: 25 * milliseconds)
        try scheduler.cameraReadable()
        now = 31 * milliseconds
        camera.fill(3, sequence: 3, capturedAt: 28 * milliseconds)
        try scheduler.cameraReadable()
        now = 33 * milliseconds
        display.vblank = 2
        try scheduler.displayReadable()  // seq 1 shown, seq 3 committed at 33 ms
        display.vblank = 4
        try scheduler.displayReadable()  // seq 3 shown at 64 ms: two vblanks late
        // seq 4 and 5 never arrive; seq 6 is flagged bad; seq 7 is still in flight.
        now = 70 * milliseconds
        camera.fill(0, sequence: 6, error: true, capturedAt: 66 * milliseconds)
        camera.fill(2, sequence: 7, capturedAt: 68 * milliseconds)
        try scheduler.cameraFires(camera)
        scheduler.finish()

        let bySequence = records.sorted { $0.sequence < $1.sequence }
        XCTAssertEqual(bySequence.map(\.sequence), [0, 1, 2, 3, 4, 5, 6, 7], "every frame exactly once")
        XCTAssertEqual(bySequence.map(\.outcome),
                       [.shown, .shown, .superseded, .shown, .droppedByCamera, .droppedByCamera, .cameraError, .inFlight])
        XCTAssertEqual(bySequence.map(\.isModesetFrame), [true, false, false, false, false, false, false, false])
        XCTAssertEqual(bySequence.map(\.countsTowardLatency), [false, true, false, true, false, false, false, false])

        let one = bySequence[1]
        XCTAssertEqual(one.bufferIndex, 1)
        XCTAssertEqual(one.dequeueNanoseconds, 20 * milliseconds)
        XCTAssertEqual(one.commitNanoseconds, 20 * milliseconds)
        XCTAssertEqual(one.flipNanoseconds, 32 * milliseconds)
        XCTAssertEqual(one.vblankSequence, 2)
        XCTAssertEqual(one.totalNanoseconds, 14 * milliseconds)
        XCTAssertEqual(one.captureSideNanoseconds, 2 * milliseconds)
        XCTAssertEqual(one.pipelineSideNanoseconds, 12 * milliseconds)
        XCTAssertEqual(one.vblanksMissed, 0)
        XCTAssertEqual(one.timestampSource, "start-of-exposure")
        let three = bySequence[3]
        XCTAssertEqual(three.commitNanoseconds, 33 * milliseconds, "committed when 1's flip completed")
        XCTAssertEqual(three.vblanksMissed, 2, "dequeued at 31 ms: 32 ms was possible, shown at 64 ms")
        XCTAssertEqual(bySequence[7].commitNanoseconds, 70 * milliseconds)
        XCTAssertNil(bySequence[4].bufferIndex)

        // The counters are counted separately from the records: they agree.
        let counters = scheduler.statistics
        func count(_ outcome: FrameOutcome) -> Int { records.filter { $0.outcome == outcome }.count }
        XCTAssertEqual(counters.shown, count(.shown))
        XCTAssertEqual(counters.superseded, count(.superseded))
        XCTAssertEqual(counters.cameraErrors, count(.cameraError))
        XCTAssertEqual(counters.cameraDropped, count(.droppedByCamera))
        XCTAssertEqual(counters.captured, records.count - count(.droppedByCamera))
        XCTAssertEqual(scheduler.pool.violations, [])
    }

    /// Camera and display at the same rate (16 ms), frames dequeued 10 ms
    /// into each period. The modeset took a vblank more, so frame 1 finds
    /// frame 0's flip pending, waits, and lands a vblank late; so does every
    /// frame after it. The third needless wait in a row drops that frame,
    /// and the next one is committed at once and lands on time.
    func testTheThirdNeedlessWaitInARowIsDroppedAndTheNextFrameIsOnTime() throws {
        let (camera, display, scheduler) = rig()
        var records: [FrameRecord] = []
        scheduler.onFrame = { records.append($0) }
        func arrive(_ index: Int, _ sequence: UInt32, at time: Int64) throws {
            now = time * milliseconds
            camera.fill(index, sequence: sequence, capturedAt: (time - 2) * milliseconds)
            try scheduler.cameraReadable()
        }
        func vblank(_ number: UInt32) throws {
            now = Int64(number) * 16 * milliseconds
            display.vblank = number
            try scheduler.displayReadable()
        }
        try arrive(0, 0, at: 10)
        try arrive(1, 1, at: 26)
        XCTAssertTrue(scheduler.isWaitingForFlip)
        try vblank(2)  // 0 shown at 32 ms (the modeset's vblank 2); 1 committed
        try arrive(2, 2, at: 42)
        try vblank(3)  // 1 shown at 48 ms, one vblank late; 2 committed
        try arrive(3, 3, at: 58)
        try vblank(4)  // 2 shown at 64 ms, one late; 3 is dropped, nothing committed
        XCTAssertEqual(display.log.last, "FLIP 2")
        try arrive(0, 4, at: 74)
        XCTAssertEqual(display.log.last, "COMMIT 0", "nothing pending: committed at once")
        try vblank(5)  // 4 shown at 80 ms: on time

        let bySequence = records.sorted { $0.sequence < $1.sequence }
        XCTAssertEqual(bySequence.map(\.outcome), [.shown, .shown, .shown, .droppedToCatchUp, .shown])
        XCTAssertEqual(bySequence.map(\.vblanksMissed), [1, 1, 1, nil, 0], "the modeset took a vblank more")
        XCTAssertEqual(scheduler.statistics.droppedToCatchUp, 1)
        XCTAssertEqual(scheduler.pool.violations, [])
    }

    /// At 25 fps on a 60 Hz display no frame waits for a flip: none is dropped.
    func testFramesThatNeverWaitAreNeverDropped() throws {
        let (camera, display, scheduler) = rig()
        for frame in 0..<40 {
            now = Int64(frame) * 40 * milliseconds + 3 * milliseconds
            let index = try XCTUnwrap(camera.queued.min())
            camera.fill(index, sequence: UInt32(frame), capturedAt: now - milliseconds)
            try scheduler.cameraReadable()
            display.vblank = UInt32((now / (16 * milliseconds)) + 1)
        }
        XCTAssertEqual(scheduler.statistics.droppedToCatchUp, 0)
        XCTAssertEqual(scheduler.statistics.shown, 39)
        XCTAssertEqual(scheduler.pool.violations, [])
    }

    func testALargeSequenceJumpIsCountedButListedOnlyUpToTheLimit() throws {
        let camera = FakeCamera(bufferCount: 4)
        let display = FakeDisplay()
        let scheduler = Scheduler(bufferCount: 4, camera: camera, display: display, refreshPeriodNanoseconds: 16_666_667)
        var dropped = 0
        scheduler.onFrame = { if $0.outcome == .droppedByCamera { dropped += 1 } }
        camera.fill(0, sequence: 0)
        try scheduler.cameraReadable()
        try scheduler.vblank(display)
        camera.fill(1, sequence: 100_001)
        try scheduler.cameraReadable()
        XCTAssertEqual(scheduler.statistics.cameraDropped, 100_000)
        XCTAssertEqual(dropped, Int(Scheduler.gapRecordLimit))
    }
}
