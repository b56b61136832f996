import CV4L2
import Pipeline
import V4L2
import XCTest

/// A scripted camera: frames are "filled" by the test, and every QBUF and
/// DQBUF is logged so the exact call sequence can be checked.
final class FakeCamera: CameraQueue {
    var log: [String] = []
    private var filled: [CapturedFrame] = []
    private(set) var queued: Set<Int>
    var onQueue: ((Int) -> Void)?

    init(bufferCount: Int) { queued = Set(0..<bufferCount) }

    /// The camera fills the queued buffer the test names, with a frame
    /// captured at `capturedAt` (by default 40 ms per sequence number).
    func fill(_ index: Int, sequence: UInt32, error: Bool = false, capturedAt: Int64? = nil) {
        precondition(queued.contains(index), "camera can only fill a queued buffer")
        queued.remove(index)
        filled.append(CapturedFrame(
            index: index, sequence: sequence, timestampNanoseconds: capturedAt ?? Int64(sequence) * 40_000_000,
            flags: UInt32(V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC | V4L2_BUF_FLAG_TSTAMP_SRC_SOE)
                | (error ? UInt32(V4L2_BUF_FLAG_ERROR) : 0),
            bytesUsed: PlaneValues([640 * 480 * 4]), dataOffsets: PlaneValues([0])))
    }

    /// Whether a filled buffer waits: the descriptor polls readable, and
    /// the pipeline's level-triggered source fires again.
    var hasFilled: Bool { !filled.isEmpty }

    func dequeue() throws -> CapturedFrame? {
        guard !filled.isEmpty else { return nil }
        let frame = filled.removeFirst()
        log.append("DQBUF \(frame.index)")
        return frame
    }

    func queue(_ buffer: BufferIndex) throws {
        let index = buffer.rawValue
        log.append("QBUF \(index)")
        XCTAssertFalse(queued.contains(index), "QBUF \(index) twice")
        queued.insert(index)
        onQueue?(index)
    }
}

/// A scripted display: commits are logged; a flip completes when the test
/// says a vblank passed (``vblankPasses()``, or setting ``vblank``), and its
/// event is delivered by the next `handleEvents` after that, as the card's
/// read would: none before.
final class FakeDisplay: DisplayQueue {
    var log: [String] = []
    private var pending: [Int] = []
    private var completed: [Int] = []
    /// The tag of the commit in flight (the flip reports it).
    private var tags: [Int: UInt32] = [:]
    /// The vblank the next flip completes at; its time is `vblank * period`.
    /// Setting it completes the flip in flight.
    var vblank: UInt32 = 100 {
        didSet { completeFlip() }
    }
    var period: Int64 = 16_666_667
    var onScreen: Int?
    var failNextShow = false

    func show(_ changes: [SourceChange], tag: UInt32) throws {
        XCTAssertEqual(changes.count, 1, "one camera: one change per commit")
        guard let index = changes.first?.buffer?.rawValue else { return XCTFail("one camera: no plane goes off") }
        tags[index] = tag
        if failNextShow {
            failNextShow = false
            throw FakeError.commitRejected
        }
        XCTAssertTrue(pending.isEmpty && completed.isEmpty, "never more than one commit in flight")
        log.append("COMMIT \(index)")
        pending.append(index)
    }

    /// The next vblank happens: the pending commit (if any) completes.
    func vblankPasses() { vblank += 1 }

    private func completeFlip() {
        completed += pending
        pending.removeAll()
    }

    func handleEvents(_ body: (FlipCompletion) -> Void) throws {
        for index in completed {
            log.append("FLIP \(index)")
            onScreen = index
            body(FlipCompletion(tag: tags[index] ?? 0, vblankSequence: vblank, timestampNanoseconds: Int64(vblank) * period))
        }
        completed.removeAll()
    }

    var hasPending: Bool { !pending.isEmpty || !completed.isEmpty }
}

/// Where a buffer of a lane is, as the pool and the lane's display slots
/// tell together (the tests of one camera read it this way).
enum LaneBufferState: Equatable {
    case inCamera, ready, committed, onScreen, released
}

extension Scheduler {
    /// One lane: a camera shown on the whole screen.
    convenience init(bufferCount: Int, camera: any CameraQueue, display: any DisplayQueue, refreshPeriodNanoseconds: Int64) {
        self.init(cameras: [camera], bufferCounts: [bufferCount], display: display, refreshPeriodNanoseconds: refreshPeriodNanoseconds)
    }

    /// The first lane's camera is readable.
    func cameraReadable() throws { try cameraReadable(0) }
    /// The first lane's pool.
    var pool: BufferPool { lanes[0].pool }
    /// The first lane's counters.
    var statistics: PipelineStatistics { lanes[0].statistics }

    /// Where buffer `index` of lane `source` is.
    func state(of index: BufferIndex, source: Int = 0) -> LaneBufferState? {
        let lane = lanes[source]
        if lane.committed == index { return .committed }
        if lane.onScreen == index { return .onScreen }
        switch lane.pool.state(of: index) {
        case .inCamera?: return .inCamera
        case .ready?: return .ready
        case .released?: return .released
        case .held?, nil: return nil
        }
    }

    /// The camera's source firing until no filled buffer waits (one
    /// dequeue per wake-up).
    func cameraFires(_ camera: FakeCamera) throws {
        while camera.hasFilled { try cameraReadable() }
    }

    /// A vblank passes, and the card's source fires.
    func vblank(_ display: FakeDisplay) throws {
        display.vblankPasses()
        try displayReadable()
    }
}

enum FakeError: Error { case commitRejected }

final class SchedulerTests: XCTestCase {
    private var camera = FakeCamera(bufferCount: 4)
    private var display = FakeDisplay()
    private lazy var scheduler = Scheduler(bufferCount: 4, camera: camera, display: display, refreshPeriodNanoseconds: 16_666_667)

    override func setUp() {
        camera = FakeCamera(bufferCount: 4)
        display = FakeDisplay()
        scheduler = Scheduler(bufferCount: 4, camera: camera, display: display, refreshPeriodNanoseconds: 16_666_667)
        // The central check: the camera is never given a buffer the display
        // still scans out or has committed.
        camera.onQueue = { [unowned self] index in
            XCTAssertNotEqual(self.display.onScreen, index, "QBUF \(index) while on screen")
            let state = self.scheduler.state(of: BufferIndex(index))
            XCTAssertEqual(state, .inCamera, "pool moved \(index) to the camera")
        }
    }

    func testFirstFrameIsCommittedAndStaysUntilReplaced() throws {
        camera.fill(0, sequence: 0)
        try scheduler.cameraFires(camera)
        XCTAssertEqual(display.log, ["COMMIT 0"])
        XCTAssertEqual(scheduler.state(of: 0), .committed)

        try scheduler.vblank(display)
        XCTAssertEqual(scheduler.state(of: 0), .onScreen)
        XCTAssertEqual(camera.log, ["DQBUF 0"], "nothing goes back while 0 is the only frame on screen")

        camera.fill(1, sequence: 1)
        try scheduler.cameraFires(camera)
        XCTAssertEqual(display.log, ["COMMIT 0", "FLIP 0", "COMMIT 1"])
        XCTAssertEqual(scheduler.state(of: 0), .onScreen, "0 still scanned out while 1's flip is pending")
        XCTAssertFalse(camera.log.contains("QBUF 0"))

        try scheduler.vblank(display)
        XCTAssertEqual(camera.log, ["DQBUF 0", "DQBUF 1", "QBUF 0"], "0 returns only after 1's flip completed")
        XCTAssertEqual(scheduler.state(of: 1), .onScreen)
        XCTAssertEqual(scheduler.state(of: 0), .inCamera)
        XCTAssertEqual(scheduler.pool.violations, [])
    }

    func testMailboxDropsOlderReadyFrameAndCommitsNewest() throws {
        camera.fill(0, sequence: 0)
        try scheduler.cameraFires(camera)  // 0 committed, flip pending
        camera.fill(1, sequence: 1)
        camera.fill(2, sequence: 2)
        try scheduler.cameraFires(camera)  // 1 ready, then 2 supersedes it
        XCTAssertEqual(camera.log, ["DQBUF 0", "DQBUF 1", "DQBUF 2", "QBUF 1"])
        XCTAssertEqual(scheduler.statistics.superseded, 1)
        XCTAssertEqual(display.log, ["COMMIT 0"], "no second commit while one is in flight")

        try scheduler.vblank(display)
        XCTAssertEqual(display.log, ["COMMIT 0", "FLIP 0", "COMMIT 2"], "the newest ready frame is committed")
        XCTAssertEqual(scheduler.statistics.commits, 2)
        XCTAssertEqual(scheduler.pool.violations, [])
    }

    func testErroredBufferIsRequeuedAtOnceAndNeverShown() throws {
        camera.fill(0, sequence: 0, error: true)
        try scheduler.cameraFires(camera)
        XCTAssertEqual(camera.log, ["DQBUF 0", "QBUF 0"])
        XCTAssertEqual(display.log, [])
        XCTAssertEqual(scheduler.statistics.cameraErrors, 1)
        XCTAssertEqual(scheduler.statistics.shown, 0)
    }

    func testSequenceGapsCountCameraDrops() throws {
        camera.fill(0, sequence: 10)
        try scheduler.cameraFires(camera)
        try scheduler.vblank(display)
        camera.fill(1, sequence: 14)
        try scheduler.cameraFires(camera)
        XCTAssertEqual(scheduler.statistics.cameraDropped, 3)
    }

    func testARepeatedSequenceNumberIsCountedNotTakenForADrop() throws {
        var records: [FrameRecord] = []
        scheduler.onFrame = { records.append($0) }
        camera.fill(0, sequence: 7)
        camera.fill(1, sequence: 8)
        camera.fill(2, sequence: 8)
        camera.fill(3, sequence: 9)
        try scheduler.cameraFires(camera)
        XCTAssertEqual(scheduler.statistics.cameraRepeatedSequences, 1)
        XCTAssertEqual(scheduler.statistics.cameraDropped, 0)
        XCTAssertFalse(records.contains { $0.outcome == .droppedByCamera })
        XCTAssertEqual(scheduler.statistics.captured, 4)
    }

    func testSteadyStateEveryBufferCyclesAndNoneIsRequeuedOnScreen() throws {
        var next: UInt32 = 0
        for _ in 0..<200 {
            // The camera fills whatever it has; the display flips at most once.
            for index in camera.queued.sorted() {
                camera.fill(index, sequence: next)
                next += 1
                if next % 3 == 0 { break }
            }
            try scheduler.cameraFires(camera)
            try scheduler.vblank(display)
        }
        let stats = scheduler.statistics
        XCTAssertEqual(stats.captured, Int(next))
        XCTAssertEqual(stats.flips, stats.shown)
        XCTAssertEqual(stats.commits, stats.shown + (display.hasPending ? 1 : 0))
        // Every captured frame is accounted for exactly once.
        let inFlight = scheduler.pool.frames.filter { $0.state != .inCamera && $0.index != scheduler.lanes[0].onScreen }.count
        XCTAssertEqual(stats.shown + stats.superseded + stats.cameraErrors + inFlight, stats.captured)
        XCTAssertEqual(scheduler.pool.violations, [])
        // The simulation is deterministic: 302 frames in 200 turns, 200
        // shown (one flip per turn), 101 replaced by a newer one before
        // their turn, one ready at the end.
        XCTAssertEqual(stats.captured, 302)
        XCTAssertEqual(stats.shown, 200)
        XCTAssertEqual(stats.superseded, 101)
        XCTAssertEqual(inFlight, 1)
    }

    func testFrozenSchedulerKeepsTheFrameOnScreen() throws {
        camera.fill(0, sequence: 0)
        try scheduler.cameraFires(camera)
        try scheduler.vblank(display)
        scheduler.isFrozen = true
        camera.fill(1, sequence: 1)
        try scheduler.cameraFires(camera)
        XCTAssertEqual(camera.log, ["DQBUF 0", "DQBUF 1", "QBUF 1"])
        XCTAssertEqual(scheduler.lanes[0].onScreen, 0)
        scheduler.isFrozen = false
        camera.fill(2, sequence: 2)
        try scheduler.cameraFires(camera)
        XCTAssertEqual(display.log.last, "COMMIT 2")
    }

    /// One wake-up per frame: the flip that completed since the last frame
    /// is read when the camera's next frame arrives, and that frame is
    /// committed in the same wake-up.
    func testTheCamerasWakeUpReadsTheCompletedFlipAndCommitsTheNextFrame() throws {
        camera.fill(0, sequence: 0)
        try scheduler.cameraReadable()
        XCTAssertFalse(scheduler.isWaitingForFlip, "nothing waits behind the flip: no display wake-up needed")
        display.vblankPasses()  // 0's flip completes; nobody reads it yet
        camera.fill(1, sequence: 1)
        try scheduler.cameraReadable()
        XCTAssertEqual(display.log, ["COMMIT 0", "FLIP 0", "COMMIT 1"])
        XCTAssertEqual(camera.log, ["DQBUF 0", "DQBUF 1"])
        XCTAssertEqual(scheduler.statistics.shown, 1)
        // A frame that arrives before 1's flip waits for it: now the
        // display's own wake-up is needed, and commits it.
        camera.fill(2, sequence: 2)
        try scheduler.cameraReadable()
        XCTAssertTrue(scheduler.isWaitingForFlip)
        try scheduler.vblank(display)
        XCTAssertEqual(Array(display.log.suffix(2)), ["FLIP 1", "COMMIT 2"])
        XCTAssertFalse(scheduler.isWaitingForFlip)
        XCTAssertEqual(scheduler.pool.violations, [])
    }

    /// No `VIDIOC_DQBUF` only to learn EAGAIN: one per wake-up, and the
    /// (level-triggered) source fires again while buffers wait.
    func testOneDequeuePerWakeUp() throws {
        camera.fill(0, sequence: 0)
        camera.fill(1, sequence: 1)
        try scheduler.cameraReadable()
        XCTAssertEqual(camera.log, ["DQBUF 0"])
        XCTAssertTrue(camera.hasFilled)
        try scheduler.cameraReadable()
        XCTAssertEqual(camera.log, ["DQBUF 0", "DQBUF 1"])
        try scheduler.cameraReadable()
        XCTAssertEqual(camera.log, ["DQBUF 0", "DQBUF 1"], "nothing waits: nothing dequeued")
    }

    /// Once the frames asked for were shown, no further frame is taken.
    func testNoFrameIsTakenAfterTheShownLimit() throws {
        scheduler.shownLimit = 1
        camera.fill(0, sequence: 0)
        try scheduler.cameraReadable()
        display.vblankPasses()
        camera.fill(1, sequence: 1)
        try scheduler.cameraReadable()
        XCTAssertEqual(scheduler.statistics.shown, 1)
        XCTAssertEqual(camera.log, ["DQBUF 0", "DQBUF 1"], "frame 1 is not shown")
        XCTAssertEqual(scheduler.state(of: 1), .ready, "it is in flight when the run ends")
        XCTAssertEqual(display.log, ["COMMIT 0", "FLIP 0"])
    }

    func testFailedCommitLeavesFrameReadyAndRethrows() throws {
        display.failNextShow = true
        camera.fill(0, sequence: 0)
        XCTAssertThrowsError(try scheduler.cameraReadable())
        XCTAssertEqual(scheduler.state(of: 0), .ready)
        XCTAssertEqual(scheduler.statistics.commits, 0)
        XCTAssertEqual(scheduler.pool.violations, [])
    }
}
