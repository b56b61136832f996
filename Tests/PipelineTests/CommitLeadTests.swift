@testable import Pipeline
import XCTest

/// The gathered commit's lead, learned per lane: it grows at once when a
/// gathered commit misses the vblank it was gathered for, shrinks slowly
/// while they make it, and stays between its floor and half a frame.
final class CommitLeadTests: XCTestCase {
    private let period: Int64 = 16_666_667

    private let up = CommitLeadLearner.stepNanoseconds * 9 / 10
    private let down = CommitLeadLearner.stepNanoseconds / 10

    func testAMissLengthensTheLeadNineTimesAsMuchAsAMadeVblankShortensIt() {
        var learner = CommitLeadLearner(periodNanoseconds: period)
        XCTAssertEqual(learner.leadNanoseconds, CommitLeadLearner.initialNanoseconds)
        learner.noteMissed()
        XCTAssertEqual(learner.leadNanoseconds, CommitLeadLearner.initialNanoseconds + up)
        learner.noteMade()
        XCTAssertEqual(learner.leadNanoseconds, CommitLeadLearner.initialNanoseconds + up - down)
        XCTAssertEqual([learner.made, learner.misses], [1, 1])
        // One miss in ten keeps it where it is.
        let before = learner.leadNanoseconds
        for _ in 0..<5 {
            learner.noteMissed()
            for _ in 0..<9 { learner.noteMade() }
        }
        XCTAssertEqual(learner.leadNanoseconds, before)
    }

    /// Commits that miss when they leave less than `needed` before the
    /// vblank, and make it otherwise: the lead settles just above it.
    func testTheLeadSettlesAtWhatTheCommitsNeed() {
        var learner = CommitLeadLearner(periodNanoseconds: period)
        let needed: Int64 = 4_200_000
        for _ in 0..<2000 {
            if learner.leadNanoseconds < needed { learner.noteMissed() } else { learner.noteMade() }
        }
        XCTAssertGreaterThanOrEqual(learner.leadNanoseconds, needed - down)
        XCTAssertLessThanOrEqual(learner.leadNanoseconds, needed + up)
    }

    func testTheLeadStaysBetweenItsFloorAndHalfAFrame() {
        var learner = CommitLeadLearner(periodNanoseconds: period)
        for _ in 0..<100 { learner.noteMissed() }
        XCTAssertEqual(learner.leadNanoseconds, period / 2)
        for _ in 0..<1000 { learner.noteMade() }
        XCTAssertEqual(learner.leadNanoseconds, CommitLeadLearner.floorNanoseconds)
        // A display so fast that half a frame is below the initial lead.
        XCTAssertEqual(CommitLeadLearner(periodNanoseconds: 2_000_000).leadNanoseconds, 1_000_000)
    }

    // MARK: In the scheduler

    private var cameras = [FakeCamera(bufferCount: 4), FakeCamera(bufferCount: 4)]
    private var display = FakeLayerDisplay()
    private var now: Int64 = 0
    private var due: [Int64] = []

    private func makeScheduler(_ lead: CommitLead) -> Scheduler {
        let scheduler = Scheduler(
            cameras: cameras, bufferCounts: [4, 4], display: display, refreshPeriodNanoseconds: period, clock: { [unowned self] in now })
        scheduler.commitLead = lead
        scheduler.onCommitDue = { [unowned self] in due.append($0) }
        return scheduler
    }

    private func fire(_ scheduler: Scheduler, _ source: Int) throws {
        while cameras[source].hasFilled { try scheduler.cameraReadable(source) }
    }

    /// Both cameras' frames gathered for vblank `vblank` (the display's
    /// clock: vblank n at n periods), then the commit made when due.
    private func gather(_ scheduler: Scheduler, for vblank: Int64, buffers: (Int, Int), sequence: UInt32) throws {
        now = (vblank - 1) * period + 1_000_000
        cameras[0].fill(buffers.0, sequence: sequence)
        try fire(scheduler, 0)
        now += 2_000_000
        cameras[1].fill(buffers.1, sequence: sequence)
        try fire(scheduler, 1)
        guard let last = due.last else { return XCTFail("nothing gathered") }
        now = last
        try scheduler.commitDue()
    }

    func testAGatheredCommitThatMissedItsVblankLengthensTheLeadOfTheLanesItCarried() throws {
        let scheduler = makeScheduler(.learned)
        now = 100 * period
        cameras[0].fill(0, sequence: 0)
        try fire(scheduler, 0)
        display.vblankPasses()  // vblank 101: the vblank clock is known
        try scheduler.displayReadable()
        // Gathered for vblank 102 with the initial lead; it lands on 103.
        try gather(scheduler, for: 102, buffers: (1, 0), sequence: 1)
        XCTAssertEqual(due, [102 * period - CommitLeadLearner.initialNanoseconds])
        XCTAssertEqual(display.log.last, "COMMIT 0:1 1:0")
        display.vblankPasses()
        display.vblankPasses()
        try scheduler.displayReadable()
        let longer = CommitLeadLearner.initialNanoseconds + up
        XCTAssertEqual(scheduler.lanes.map(\.gatherLead.leadNanoseconds), [longer, longer])
        XCTAssertEqual(scheduler.lanes.map(\.gatherLead.misses), [1, 1])
        // The next gathering leaves that much earlier; it makes vblank 105.
        try gather(scheduler, for: 105, buffers: (2, 1), sequence: 2)
        XCTAssertEqual(due.last, 105 * period - longer)
        display.vblankPasses()
        display.vblank = 105
        try scheduler.displayReadable()
        XCTAssertEqual(scheduler.lanes.map(\.gatherLead.misses), [1, 1], "made: no miss counted")
        XCTAssertEqual(scheduler.lanes.map(\.gatherLead.made), [1, 1])
        XCTAssertEqual(scheduler.lanes.map(\.gatherLead.leadNanoseconds), [longer - down, longer - down])
        XCTAssertEqual(scheduler.violations, [])
    }

    func testAFixedLeadLearnsNothingAndImmediateGathersNothing() throws {
        let fixed = makeScheduler(.fixed(.milliseconds(6)))
        now = 100 * period
        cameras[0].fill(0, sequence: 0)
        try fire(fixed, 0)
        display.vblankPasses()
        try fixed.displayReadable()
        try gather(fixed, for: 102, buffers: (1, 0), sequence: 1)
        XCTAssertEqual(due, [102 * period - 6_000_000])
        display.vblankPasses()
        display.vblankPasses()
        try fixed.displayReadable()
        XCTAssertEqual(fixed.lanes.map(\.gatherLead.misses), [0, 0])

        cameras = [FakeCamera(bufferCount: 4), FakeCamera(bufferCount: 4)]
        display = FakeLayerDisplay()
        due = []
        let immediate = makeScheduler(.immediate)
        now = 100 * period
        cameras[0].fill(0, sequence: 0)
        try fire(immediate, 0)
        display.vblankPasses()
        try immediate.displayReadable()
        now = 101 * period + 1_000_000
        cameras[0].fill(1, sequence: 1)
        try fire(immediate, 0)
        XCTAssertEqual(display.log.last, "COMMIT 0:1", "committed as it came")
        XCTAssertEqual(due, [])
    }
}
