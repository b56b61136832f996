import Foundation
import Pipeline
import Reporting
import XCTest

/// The earliest feasible vblank, as the kernel probe counts it: the first
/// vblank at least 1 ms after the buffer was done, the done time estimated
/// from what V4L2 gives. Vblanks every 16 ms, at 16, 32, 48, ... ms.
final class EarliestVblankTests: XCTestCase {
    private let ms: Int64 = 1_000_000
    private let period: Int64 = 16_000_000

    /// A shown frame (not the modeset's) with these times in milliseconds
    /// (fractions allowed); `missed` is what the scheduler counted from the
    /// dequeue.
    private func shown(_ sequence: UInt32, capture: Double?, dequeue: Double, flip: Double, missed: Int,
                       source: String = "start-of-exposure") -> FrameRecord {
        func ns(_ value: Double) -> Int64 { Int64((value * 1e6).rounded()) }
        return FrameRecord(sequence: sequence, bufferIndex: Int(sequence % 4), captureNanoseconds: capture.map(ns), timestampSource: source,
                           dequeueNanoseconds: ns(dequeue), commitNanoseconds: ns(dequeue), flipNanoseconds: ns(flip),
                           outcome: .shown, vblanksMissed: missed)
    }

    func testVblanksLateCountsFromTheFirstVblankAMillisecondAfterDone() {
        XCTAssertEqual(EarliestVblank.vblanksLate(done: 10 * ms, flip: 16 * ms, periodNanoseconds: period), 0)
        XCTAssertEqual(EarliestVblank.vblanksLate(done: 15 * ms, flip: 16 * ms, periodNanoseconds: period), 0, "exactly 1 ms: feasible")
        XCTAssertEqual(EarliestVblank.vblanksLate(done: 15_500_000, flip: 32 * ms, periodNanoseconds: period), 0, "16 was out of reach")
        XCTAssertEqual(EarliestVblank.vblanksLate(done: 14 * ms, flip: 32 * ms, periodNanoseconds: period), 1)
        XCTAssertEqual(EarliestVblank.vblanksLate(done: 14 * ms, flip: 64 * ms, periodNanoseconds: period), 3)
        XCTAssertEqual(EarliestVblank.vblanksLate(done: 15_800_000, flip: 16 * ms, periodNanoseconds: period), 0,
                       "shown sooner than the estimate allows: on time")
        XCTAssertEqual(EarliestVblank.vblanksLate(done: 0, flip: 64 * ms, periodNanoseconds: 0), 0, "no period: nothing counted")
    }

    /// Each buffer done 2 ms after its stamp (the camera's fastest delivery).
    /// Dequeued half a millisecond before a vblank and shown at the next: a
    /// miss after the dequeue, on time by the feasible rule. Dequeued 2 ms
    /// before one and shown a vblank later: late by both.
    func testAFrameDoneJustBeforeAVblankIsNotCountedLate() {
        let records = [
            shown(1, capture: 13.5, dequeue: 15.5, flip: 32, missed: 1),
            shown(2, capture: 28, dequeue: 30, flip: 48, missed: 1),
            shown(3, capture: 42, dequeue: 44, flip: 48, missed: 0),
        ]
        let timestamps = CaptureTimestamps(records: records)
        XCTAssertNil(timestamps.problem)
        XCTAssertEqual(timestamps.fastestDeliveryNanoseconds, 2 * ms)
        XCTAssertEqual(timestamps.bufferDoneNanoseconds(records[0]), 15_500_000)
        let feasible = EarliestVblank(feasible: records, periodNanoseconds: period, timestamps: timestamps, source: "start-of-exposure")
        XCTAssertEqual(feasible.share, 2.0 / 3.0, accuracy: 1e-9)
        XCTAssertEqual(feasible.missed, ["1": 1])
        XCTAssertEqual(feasible.marginMilliseconds, 1)
        XCTAssertEqual(feasible.bufferDone, "start-of-exposure stamp + 2.00 ms, the camera's fastest stamp → dequeue")
        let afterDequeue = EarliestVblank(afterDequeue: records)
        XCTAssertEqual(afterDequeue.share, 1.0 / 3.0, accuracy: 1e-9)
        XCTAssertEqual(afterDequeue.missed, ["1": 2])
        XCTAssertEqual(afterDequeue.marginMilliseconds, 0)
    }

    /// A frame dequeued late (a slow wake-up) is judged from its stamp: its
    /// buffer was done as soon after it as the camera's fastest frame's, and
    /// the vblank it could have made then is the one it missed, as the
    /// probe, which sees the buffer done, counts it.
    func testASlowWakeUpCountsAgainstTheFrame() {
        let records = [
            shown(0, capture: 0, dequeue: 25, flip: 32, missed: 0),
            shown(1, capture: 10, dequeue: 12, flip: 16, missed: 0),
        ]
        let timestamps = CaptureTimestamps(records: records)
        XCTAssertEqual(timestamps.bufferDoneNanoseconds(records[0]), 2 * ms)
        let feasible = EarliestVblank(feasible: records, periodNanoseconds: period, timestamps: timestamps, source: "start-of-exposure")
        XCTAssertEqual(feasible.missed, ["1": 1], "seq 0: done at 2 ms, 16 was feasible, shown at 32")
        XCTAssertEqual(feasible.share, 0.5, accuracy: 1e-9)
        XCTAssertEqual(EarliestVblank(afterDequeue: records).share, 1, "after the dequeue both were on time")
    }

    /// Exposure and readout fit in a frame interval: a start-of-exposure
    /// buffer is done no later than that after its stamp, however slowly
    /// every frame was dequeued. An end-of-frame stamp has no such bound.
    func testAStartOfExposureBufferIsDoneWithinAFrameInterval() {
        let soe = [shown(0, capture: 0, dequeue: 25, flip: 32, missed: 0), shown(1, capture: 10, dequeue: 35, flip: 48, missed: 0)]
        let timestamps = CaptureTimestamps(records: soe)
        XCTAssertEqual(timestamps.frameIntervalNanoseconds, 10 * ms)
        XCTAssertEqual(timestamps.fastestDeliveryNanoseconds, 25 * ms)
        XCTAssertEqual(timestamps.bufferDoneNanoseconds(soe[0]), 10 * ms)
        XCTAssertEqual(timestamps.bufferDoneRule(source: "start-of-exposure"),
                       "start-of-exposure stamp + 25.00 ms, the camera's fastest stamp → dequeue, at most the frame interval (10.0 ms)")
        let eof = soe.map { record in
            var copy = record
            copy.timestampSource = "end-of-frame"
            return copy
        }
        XCTAssertEqual(CaptureTimestamps(records: eof).bufferDoneNanoseconds(eof[0]), 25 * ms)
    }

    /// End-of-frame stamps: the buffer was done as soon after the stamp as
    /// the fastest frame's.
    func testAnEndOfFrameBufferIsDoneSoonAfterItsStamp() {
        let records = [shown(0, capture: 14, dequeue: 15.5, flip: 32, missed: 1, source: "end-of-frame"),
                       shown(1, capture: 30, dequeue: 30.2, flip: 32, missed: 0, source: "end-of-frame")]
        let timestamps = CaptureTimestamps(records: records)
        XCTAssertEqual(timestamps.bufferDoneNanoseconds(records[0]), 14_200_000)
        let feasible = EarliestVblank(feasible: records, periodNanoseconds: period, timestamps: timestamps, source: "end-of-frame")
        XCTAssertEqual(feasible.missed, ["1": 1], "done at 14.2 ms: 16 was feasible")
        XCTAssertEqual(feasible.bufferDone, "end-of-frame stamp + 0.20 ms, the camera's fastest stamp → dequeue")
    }

    /// The modeset frame and frames not shown are not judged.
    func testOnlyFramesShownByAPageFlipAreJudged() {
        var modeset = shown(0, capture: 0, dequeue: 2, flip: 48, missed: 2)
        modeset.isModesetFrame = true
        let records = [modeset, FrameRecord(sequence: 1, bufferIndex: 1, captureNanoseconds: 18 * ms, timestampSource: "start-of-exposure",
                                            dequeueNanoseconds: 20 * ms, outcome: .superseded),
                       shown(2, capture: 34, dequeue: 36, flip: 48, missed: 0)]
        let feasible = EarliestVblank(feasible: records, periodNanoseconds: period, timestamps: CaptureTimestamps(records: records),
                                      source: "start-of-exposure")
        XCTAssertEqual(feasible.share, 1)
        XCTAssertEqual(feasible.missed, [:])
        XCTAssertEqual(EarliestVblank(feasible: [], periodNanoseconds: period, timestamps: CaptureTimestamps(records: []), source: "unknown").share, 0)
    }
}
