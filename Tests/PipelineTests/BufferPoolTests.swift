@testable import Pipeline
import XCTest

/// The pool's one rule, counted: a buffer goes back to the camera only when
/// no consumer holds it any more, and each consumer lets go only of what
/// it holds.
final class BufferPoolTests: XCTestCase {
    /// A frame as the scheduler records it at dequeue.
    private func frame(_ sequence: UInt32) -> FrameTimeline {
        FrameTimeline(sequence: sequence, captureNanoseconds: Int64(sequence) * 1000, timestampSource: "start-of-exposure",
                      dequeueNanoseconds: Int64(sequence) * 1000 + 500)
    }

    private let encoder = ConsumerID(1)

    func testEveryLegalTransition() {
        var pool = BufferPool(bufferCount: 2)
        XCTAssertEqual(pool.state(of: 0), .inCamera)
        XCTAssertTrue(pool.dequeued(0, frame(1)))
        XCTAssertEqual(pool.state(of: 0), .ready)
        XCTAssertEqual(pool.timeline(of: 0)?.sequence, 1)
        XCTAssertTrue(pool.hold(0, by: .display, at: 7_000))
        XCTAssertEqual(pool.timeline(of: 0)?.commitNanoseconds, 7_000, "the pool keeps when the commit was issued")
        XCTAssertEqual(pool.state(of: 0), .held)
        XCTAssertEqual(pool.references(of: 0), 1)
        XCTAssertTrue(pool.release(0, by: .display), "the last reference")
        XCTAssertEqual(pool.state(of: 0), .released)
        XCTAssertEqual(pool.references(of: 0), 0)
        XCTAssertTrue(pool.requeue(0))
        XCTAssertEqual(pool.state(of: 0), .inCamera)
        XCTAssertNil(pool.timeline(of: 0), "a buffer in the camera holds no frame")
        XCTAssertEqual(pool.violations, [])
        XCTAssertEqual(pool.requeueCount, 1)
    }

    /// Two consumers (a display and an encoder): the buffer is free only
    /// when the second lets go, whichever that is.
    func testTheBufferGoesBackOnlyWhenTheLastConsumerLetsGo() {
        var pool = BufferPool(bufferCount: 1)
        XCTAssertTrue(pool.dequeued(0, frame(0)))
        XCTAssertTrue(pool.hold(0, by: .display, at: 10))
        XCTAssertTrue(pool.hold(0, by: encoder))
        XCTAssertEqual(pool.references(of: 0), 2)
        XCTAssertEqual(pool.timeline(of: 0)?.commitNanoseconds, 10, "the first commit's time stays")
        XCTAssertFalse(pool.release(0, by: encoder), "the display still reads it")
        XCTAssertEqual(pool.state(of: 0), .held)
        pool.stopsOnViolation = false
        XCTAssertFalse(pool.requeue(0), "one reference left")
        XCTAssertTrue(pool.release(0, by: .display))
        XCTAssertTrue(pool.requeue(0))
        XCTAssertEqual(pool.violations, ["requeue 0 while held with 1 reference(s)"])
    }

    func testIllegalTransitionsAreRefusedAndRecorded() {
        var pool = BufferPool(bufferCount: 3)
        pool.stopsOnViolation = false
        XCTAssertTrue(pool.dequeued(0, frame(0)))
        XCTAssertTrue(pool.hold(0, by: .display, at: 0))
        XCTAssertFalse(pool.requeue(0), "held: the display reads it")
        XCTAssertFalse(pool.hold(0, by: .display), "a consumer holds a buffer once")
        XCTAssertFalse(pool.release(0, by: encoder), "the encoder does not hold it")
        XCTAssertFalse(pool.dequeued(0, frame(5)), "the camera does not own it")
        XCTAssertFalse(pool.hold(1, by: .display), "the camera is filling it")
        XCTAssertFalse(pool.release(2, by: .display), "nobody holds it")
        XCTAssertFalse(pool.requeue(7))
        XCTAssertNil(pool.state(of: 7))
        XCTAssertEqual(pool.violations, [
            "requeue 0 while held with 1 reference(s)",
            "hold of 0 by the display, which holds it already",
            "release of 0 by consumer 1, which does not hold it",
            "dequeue 0 while held",
            "hold by the display 1 while inCamera",
            "release by the display 2 while inCamera",
            "requeue of unknown buffer 7",
        ])
        XCTAssertEqual(pool.state(of: 0), .held, "refused transitions change nothing")
        XCTAssertEqual(pool.references(of: 0), 1)
        XCTAssertEqual(pool.timeline(of: 0)?.sequence, 0, "a refused dequeue does not overwrite the frame on screen")
    }

    func testACancelledHoldMakesTheFrameReadyAgain() {
        var pool = BufferPool(bufferCount: 1)
        XCTAssertTrue(pool.dequeued(0, frame(0)))
        XCTAssertTrue(pool.hold(0, by: .display, at: 5))
        pool.cancelHold(0, by: .display)
        XCTAssertEqual(pool.state(of: 0), .ready)
        XCTAssertEqual(pool.references(of: 0), 0)
        XCTAssertNil(pool.timeline(of: 0)?.commitNanoseconds)
        XCTAssertTrue(pool.requeue(0))
    }

    func testNewestReadyBySequence() {
        var pool = BufferPool(bufferCount: 3)
        XCTAssertTrue(pool.dequeued(2, frame(5)))
        XCTAssertTrue(pool.dequeued(0, frame(9)))
        XCTAssertTrue(pool.dequeued(1, frame(7)))
        XCTAssertEqual(pool.newestReady, 0)
        XCTAssertEqual(pool.readyOtherThan(0), 1)
        XCTAssertTrue(pool.hold(0, by: .display))
        XCTAssertEqual(pool.newestReady, 1, "a held frame is not ready")
    }

    func testTeardownReleasesEverythingAConsumerHolds() {
        var pool = BufferPool(bufferCount: 2)
        XCTAssertTrue(pool.dequeued(0, frame(0)))
        XCTAssertTrue(pool.dequeued(1, frame(1)))
        XCTAssertTrue(pool.hold(0, by: .display))
        XCTAssertTrue(pool.hold(1, by: .display))
        XCTAssertTrue(pool.hold(1, by: encoder))
        pool.releaseAll(by: .display)
        XCTAssertEqual(pool.state(of: 0), .released)
        XCTAssertEqual(pool.state(of: 1), .held, "the encoder still holds 1")
        XCTAssertTrue(pool.requeue(0))
        XCTAssertEqual(pool.violations, [])
    }
}
