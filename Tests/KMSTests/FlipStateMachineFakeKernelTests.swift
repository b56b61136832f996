import KMS
import Platform
import TestSupport
import XCTest

/// The flip state machine on the fake card: which commits it refuses, and
/// which events move it on (a frame's), are kept (a snapshot's) or skipped
/// (user data that is not ours).
final class FlipStateMachineFakeKernelTests: XCTestCase {
    typealias Rig = FakeDisplayRig
    let overlay = FakeCard.overlayPlaneID

    /// Busy while a commit is in flight, closed after close: each refusal
    /// is a `DisplayError` naming the card, and issues no call.
    func testADisplayRefusesCommitsWhileOneIsInFlightAndEverythingAfterClose() throws {
        let rig = Rig()
        let (card, display, framebuffer, frame) = try rig.displayWithAFlipInFlight()
        defer { withExtendedLifetime((card, frame)) {} }
        let busy = DisplayError.flipPending(device: Rig.cardPath)
        var mark = rig.fake.callCount
        XCTAssertThrowsError(try display.show(framebuffer: framebuffer, tag: 2)) { XCTAssertEqual($0 as? DisplayError, busy) }
        XCTAssertThrowsError(try display.showLayers([LayerChange(layer: 0, framebuffer: framebuffer)], tag: 2)) {
            XCTAssertEqual($0 as? DisplayError, busy)
        }
        XCTAssertEqual(rig.fake.callCount, mark, "a refusal issues no call")
        XCTAssertEqual(display.state, .flipPending)

        XCTAssertEqual(display.close().map { "\($0)" }, [])
        let closed = DisplayError.closed(device: Rig.cardPath)
        mark = rig.fake.callCount
        let refused: [(String, () throws -> Void)] = [
            ("show", { try display.show(framebuffer: framebuffer, tag: 3) }),
            ("showLayers", { try display.showLayers([LayerChange(layer: 0, framebuffer: framebuffer)], tag: 3) }),
            ("test", { _ = try display.test(display.plan, framebuffer: framebuffer) }),
            ("testLayers", { _ = try display.testLayers([DisplayLayer(plan: display.plan, framebuffer: framebuffer)]) }),
            ("importFramebuffer", { _ = try display.importFramebuffer(Rig.layout(frame)) }),
            ("restore", { try display.restore() }),
            ("captureWriteback", { _ = try display.captureWriteback() }),
        ]
        for (name, body) in refused {
            XCTAssertThrowsError(try body(), name) { XCTAssertEqual($0 as? DisplayError, closed, name) }
        }
        XCTAssertEqual(rig.fake.callCount, mark, "nothing reached the card")
        XCTAssertEqual(display.state, .closed)
    }

    /// A machine of its own on a card whose display holds master: only a
    /// frame's event ends the commit in flight; a snapshot's is kept aside
    /// and one whose user data is not ours is skipped. A restore runs its
    /// body only when something of ours is on screen, and never once closed.
    func testOnlyAFramesEventEndsTheCommitInFlight() throws {
        let rig = Rig()
        let (card, display, framebuffer, frame) = try rig.displayWithAFlipInFlight()
        defer { withExtendedLifetime((display, frame)) {} }
        rig.fakeCard.vblank()
        try display.handleEvents { _ in }

        let flips = FlipStateMachine(card: card)
        XCTAssertEqual(flips.state, .idle)
        XCTAssertNoThrow(try flips.checkCanCommit())
        flips.modesetIssued()
        XCTAssertTrue(flips.isCommitPending)
        XCTAssertThrowsError(try flips.checkCanCommit()) {
            XCTAssertEqual($0 as? DisplayError, .flipPending(device: Rig.cardPath))
        }

        var request = AtomicRequest()
        request.set(PlaneID(overlay), PropertyID(2), to: UInt64(framebuffer.rawValue))  // FB_ID
        var tags: [UInt32] = []
        func flip(userData: UInt64) throws -> Int {
            try card.commit(request, flags: .pageFlip, userData: userData)
            XCTAssertEqual(rig.fakeCard.vblank(), 1)
            return try flips.handleEvents(crtc: CrtcID(FakeCard.crtcID)) { tags.append($0.tag) }
        }
        XCTAssertEqual(try flip(userData: 7), 0, "no purpose of ours: skipped")
        XCTAssertEqual(flips.state, .modesetPending)
        XCTAssertEqual(try flip(userData: 2 << 32 | 9), 0, "a snapshot's event goes to no one")
        XCTAssertEqual(flips.snapshotEvent?.tag, 9)
        XCTAssertEqual(flips.state, .modesetPending)
        XCTAssertEqual(try flip(userData: 1 << 32 | 5), 1)
        XCTAssertEqual(tags, [5])
        XCTAssertEqual(flips.state, .showing)
        XCTAssertTrue(flips.isModeSet)

        var restores = 0
        flips.flipIssued()
        try flips.restore(settlingFor: 0, crtc: CrtcID(FakeCard.crtcID)) { restores += 1 }
        XCTAssertEqual(flips.state, .idle)
        try flips.restore(settlingFor: 0, crtc: CrtcID(FakeCard.crtcID)) { restores += 1 }
        XCTAssertEqual(restores, 1, "idle: nothing to put back")

        flips.close()
        XCTAssertThrowsError(try flips.checkOpen()) { XCTAssertEqual($0 as? DisplayError, .closed(device: Rig.cardPath)) }
        XCTAssertThrowsError(try flips.checkCanCommit()) { XCTAssertEqual($0 as? DisplayError, .closed(device: Rig.cardPath)) }
        try flips.restore(settlingFor: 0, crtc: CrtcID(FakeCard.crtcID)) { restores += 1 }
        XCTAssertEqual(restores, 1)
        XCTAssertEqual(flips.state, .closed)
        XCTAssertEqual(rig.fake.violations, [])
    }
}
