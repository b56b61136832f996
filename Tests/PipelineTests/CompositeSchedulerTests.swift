@testable import Pipeline
import XCTest

/// A scripted display for several planes: each commit is logged as the
/// changes it carries ("COMMIT 0:1 1:off"); a flip completes when the test
/// says a vblank passed; which buffer each source has on screen is tracked.
final class FakeLayerDisplay: DisplayQueue {
    var log: [String] = []
    private var pending: (tag: UInt32, changes: [SourceChange])?
    private var completed: [(tag: UInt32, changes: [SourceChange])] = []
    var vblank: UInt32 = 100
    /// When set, the next flips report this vblank instead (a driver that
    /// completed two commits on one vblank).
    var reportedVblank: UInt32?
    var onScreen: [Int: Int] = [:]
    var failNextShow = false

    func show(_ changes: [SourceChange], tag: UInt32) throws {
        if failNextShow {
            failNextShow = false
            throw FakeError.commitRejected
        }
        XCTAssertTrue(pending == nil && completed.isEmpty, "never more than one commit in flight")
        XCTAssertEqual(Set(changes.map(\.source)).count, changes.count, "one change per source and commit")
        log.append("COMMIT " + changes.map { "\($0.source):\($0.buffer.map { String($0.rawValue) } ?? "off")" }.joined(separator: " "))
        pending = (tag, changes)
    }

    func vblankPasses() {
        vblank += 1
        if let pending { completed.append(pending) }
        pending = nil
    }

    func handleEvents(_ body: (FlipCompletion) -> Void) throws {
        for (tag, changes) in completed {
            for change in changes { onScreen[change.source] = change.buffer?.rawValue }
            log.append("FLIP \(tag)")
            body(FlipCompletion(tag: tag, vblankSequence: reportedVblank ?? vblank, timestampNanoseconds: Int64(vblank) * 16_666_667))
        }
        completed.removeAll()
    }
}

final class CompositeSchedulerTests: XCTestCase {
    private var cameras = [FakeCamera(bufferCount: 4), FakeCamera(bufferCount: 4)]
    private var display = FakeLayerDisplay()
    private lazy var scheduler = makeScheduler()

    private func makeScheduler() -> Scheduler {
        Scheduler(cameras: cameras, bufferCounts: [4, 4], display: display, refreshPeriodNanoseconds: 16_666_667)
    }

    override func setUp() {
        cameras = [FakeCamera(bufferCount: 4), FakeCamera(bufferCount: 4)]
        display = FakeLayerDisplay()
        scheduler = makeScheduler()
        // The central check, per source: a camera is never given a buffer
        // its plane still scans out or has committed.
        for (source, camera) in cameras.enumerated() {
            camera.onQueue = { [unowned self] index in
                XCTAssertNotEqual(self.display.onScreen[source], index, "source \(source): QBUF \(index) while on screen")
                XCTAssertEqual(self.scheduler.state(of: BufferIndex(index), source: source), .inCamera)
            }
        }
    }

    private func fire(_ source: Int) throws {
        while cameras[source].hasFilled { try scheduler.cameraReadable(source) }
    }

    private func vblank() throws {
        display.vblankPasses()
        try scheduler.displayReadable()
    }

    func testOneCommitCarriesEverySourceWithANewerFrame() throws {
        cameras[0].fill(0, sequence: 0)
        try fire(0)
        XCTAssertEqual(display.log, ["COMMIT 0:0"])
        // Source 1's first frame waits for the flip in flight.
        cameras[1].fill(0, sequence: 0)
        try fire(1)
        cameras[0].fill(1, sequence: 1)
        try fire(0)
        XCTAssertEqual(display.log, ["COMMIT 0:0"])
        try vblank()
        XCTAssertEqual(display.log, ["COMMIT 0:0", "FLIP 0", "COMMIT 0:1 1:0"])
        XCTAssertEqual(scheduler.commits.commits, 2)
        XCTAssertEqual(scheduler.commits.planeUpdates, 3)
    }

    func testABufferGoesBackOnlyAfterTheFlipThatReplacedItsOwnSource() throws {
        cameras[0].fill(0, sequence: 0)
        cameras[1].fill(0, sequence: 0)
        try fire(0)
        try fire(1)
        try vblank()
        try vblank()
        XCTAssertEqual(display.onScreen, [0: 0, 1: 0])
        // Only source 0 moves on: source 1's buffer 0 stays on screen and
        // stays out of its camera however many flips pass.
        for sequence in 1..<6 {
            cameras[0].fill(sequence % 4, sequence: UInt32(sequence))
            try fire(0)
            try vblank()
        }
        XCTAssertFalse(cameras[1].queued.contains(0))
        XCTAssertEqual(display.onScreen[1], 0)
        XCTAssertTrue(display.log.filter { $0.hasPrefix("COMMIT") }.dropFirst(2).allSatisfy { !$0.contains("1:") })
        XCTAssertEqual(scheduler.lanes[0].statistics.shown, 6)
        XCTAssertEqual(scheduler.lanes[1].statistics.shown, 1)
        XCTAssertEqual(scheduler.violations, [])
    }

    func testASlowCameraNeverHoldsBackAFastOne() throws {
        // Source 0 delivers a frame every vblank, source 1 every other one.
        var next = [0, 0]
        for tick in 0..<40 {
            for source in 0..<2 where source == 0 || tick % 2 == 0 {
                let buffer = (0..<4).first { cameras[source].queued.contains(($0 + next[source]) % 4) }.map { ($0 + next[source]) % 4 }
                let index = try XCTUnwrap(buffer)
                cameras[source].fill(index, sequence: UInt32(tick))
                next[source] = index + 1
                try fire(source)
            }
            try vblank()
        }
        // The last frames wait one vblank for the flip before them.
        try vblank()
        XCTAssertEqual(scheduler.lanes[0].statistics.shown, 40)
        XCTAssertEqual(scheduler.lanes[1].statistics.shown, 20)
        XCTAssertEqual(scheduler.lanes[0].statistics.superseded + scheduler.lanes[1].statistics.superseded, 0)
        XCTAssertEqual(scheduler.commits.maximumCommitsPerVblank, 1)
        XCTAssertEqual(scheduler.commits.flipsSharingVblank, 0)
        XCTAssertEqual(scheduler.violations, [])
    }

    func testOlderReadyFramesOfOneSourceAreSupersededNotTheOthers() throws {
        cameras[0].fill(0, sequence: 0)
        try fire(0)
        cameras[0].fill(1, sequence: 1)
        cameras[0].fill(2, sequence: 2)
        cameras[1].fill(0, sequence: 0)
        try fire(0)
        try fire(1)
        XCTAssertEqual(scheduler.lanes[0].statistics.superseded, 1)
        XCTAssertEqual(scheduler.lanes[1].statistics.superseded, 0)
        XCTAssertTrue(cameras[0].queued.contains(1))
        try vblank()
        XCTAssertEqual(display.log.last, "COMMIT 0:2 1:0")
    }

    func testALostSourcesPlaneGoesOffAndTheOthersGoOn() throws {
        var cleared: [Int] = []
        scheduler.onScreenReleased = { cleared.append($0) }
        cameras[0].fill(0, sequence: 0)
        cameras[1].fill(0, sequence: 0)
        try fire(0)
        try fire(1)
        try vblank()
        try vblank()
        try scheduler.sourceLost(1)
        XCTAssertEqual(display.log.last, "COMMIT 1:off")
        XCTAssertEqual(cleared, [])
        cameras[0].fill(1, sequence: 1)
        try fire(0)
        try vblank()
        XCTAssertEqual(cleared, [1])
        XCTAssertNil(display.onScreen[1] ?? nil)
        XCTAssertEqual(display.log.last, "COMMIT 0:1")
        // Its camera is never asked for anything again.
        XCTAssertFalse(cameras[1].log.contains("QBUF 0"))
        cameras[1].fill(1, sequence: 1)
        try scheduler.cameraReadable(1)
        XCTAssertFalse(cameras[1].log.contains("DQBUF 1"))
        XCTAssertEqual(scheduler.commits.sourcesLost, 1)
        XCTAssertEqual(scheduler.activeLanes, 1)
    }

    func testASourceLostBeforeItsFirstFrameIsClearedAtOnce() throws {
        var cleared: [Int] = []
        scheduler.onScreenReleased = { cleared.append($0) }
        try scheduler.sourceLost(0)
        XCTAssertEqual(cleared, [0])
        XCTAssertEqual(display.log, [])
    }

    func testTwoFlipsOnOneVblankAreCounted() throws {
        display.reportedVblank = 7
        for sequence in 0..<3 {
            cameras[0].fill(sequence, sequence: UInt32(sequence))
            try fire(0)
            try vblank()
        }
        XCTAssertEqual(scheduler.commits.flips, 3)
        XCTAssertEqual(scheduler.commits.flipsSharingVblank, 2)
        XCTAssertEqual(scheduler.commits.maximumCommitsPerVblank, 3)
    }

    func testAFailedCommitLeavesEveryFrameReady() throws {
        cameras[0].fill(0, sequence: 0)
        try fire(0)
        cameras[0].fill(1, sequence: 1)
        cameras[1].fill(0, sequence: 0)
        try fire(0)
        try fire(1)
        display.failNextShow = true
        display.vblankPasses()
        XCTAssertThrowsError(try scheduler.displayReadable())
        XCTAssertEqual(scheduler.state(of: BufferIndex(1), source: 0), .ready)
        XCTAssertEqual(scheduler.state(of: BufferIndex(0), source: 1), .ready)
        XCTAssertFalse(scheduler.isFlipPending)
        try scheduler.displayReadable()
        XCTAssertEqual(display.log.last, "COMMIT 0:1 1:0")
    }

    /// With a commit lead, frames of both cameras that arrive before the
    /// vblank minus the lead go in one commit at that time; a frame that
    /// arrives later is committed at once.
    func testFramesGatheredUntilTheLeadBeforeTheVblankShareOneCommit() throws {
        let period: Int64 = 16_666_667
        var now: Int64 = 0
        var due: [Int64] = []
        scheduler = Scheduler(
            cameras: cameras, bufferCounts: [4, 4], display: display, refreshPeriodNanoseconds: period, clock: { now })
        scheduler.commitLead = .fixed(.milliseconds(6))
        scheduler.onCommitDue = { due.append($0) }
        // Before the first flip the vblank clock is unknown: at once.
        now = 100 * period
        cameras[0].fill(0, sequence: 0)
        try fire(0)
        XCTAssertEqual(display.log, ["COMMIT 0:0"])
        try vblank()  // flip at vblank 101
        XCTAssertEqual(display.log.last, "FLIP 0")
        // Two frames a few milliseconds apart, early in the period: gathered.
        now = 101 * period + 2_000_000
        cameras[0].fill(1, sequence: 1)
        try fire(0)
        now += 3_000_000
        cameras[1].fill(0, sequence: 0)
        try fire(1)
        XCTAssertEqual(display.log.last, "FLIP 0", "nothing committed before it is due")
        XCTAssertEqual(due, [102 * period - 6_000_000], "due at the next vblank minus the lead")
        now = 102 * period - 6_000_000
        try scheduler.commitDue()
        XCTAssertEqual(display.log.last, "COMMIT 0:1 1:0")
        try vblank()
        // A frame inside the lead of the next vblank goes at once.
        now = 103 * period - 2_000_000
        cameras[1].fill(1, sequence: 1)
        try fire(1)
        XCTAssertEqual(display.log.last, "COMMIT 1:1")
        XCTAssertEqual(due.count, 1)
        XCTAssertEqual(scheduler.commits.planeUpdates, 4)
        XCTAssertEqual(scheduler.violations, [])
    }
}
