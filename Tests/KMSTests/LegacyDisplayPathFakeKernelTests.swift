import KMS
import Platform
import TestSupport
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// The legacy (non-atomic) path on a fake card without atomic: its calls
/// alone, and a display whose legacy modeset fails half-way.
final class LegacyDisplayPathFakeKernelTests: XCTestCase {
    typealias Rig = FakeDisplayRig
    let primary = FakeCard.primaryPlaneID
    let crtc = FakeCard.crtcID

    /// `setMode` is one drmModeSetCrtc (the frame on the primary plane, the
    /// plan's mode, no event); `pageFlip` one drmModePageFlip whose event
    /// carries the user data at the next vblank; failures name the call.
    func testSetModeAndPageFlipAreOneCallEach() throws {
        let rig = Rig(.init(atomic: false))
        let card = try rig.openCard()
        XCTAssertEqual(card.drm.drmSetMaster(card.fd.rawValue), 0)
        let plan = try DisplayPlan.make(for: card.describe(), selection: Rig.selection())
        XCTAssertTrue(plan.isLegacy)
        let frames = [rig.makeFrame("frame 0"), rig.makeFrame("frame 1")]
        let first = try card.importFramebuffer(Rig.layout(frames[0]), useModifiers: false)
        let second = try card.importFramebuffer(Rig.layout(frames[1]), useModifiers: false)
        let legacy = LegacyDisplayPath(card: card)

        var mark = rig.fake.callCount
        try legacy.setMode(plan, showing: first.id)
        XCTAssertEqual(rig.fake.trace(since: mark), ["drmModeSetCrtc \(crtc) fb \(first.id)"])
        XCTAssertEqual(rig.fakeCard.propertyValue("FB_ID", of: primary), UInt64(first.id.rawValue))
        XCTAssertEqual(rig.fakeCard.propertyValue("CRTC_W", of: primary), 640, "the plan's 640x480 mode")
        XCTAssertFalse(rig.fakeCard.hasPendingFlip)
        XCTAssertEqual(rig.fakeCard.waitingEventCount, 0, "drmModeSetCrtc sends no event")

        mark = rig.fake.callCount
        let userData: UInt64 = 1 << 32 | 42  // a frame's event (FlipPurpose.show), tag 42
        try legacy.pageFlip(plan.crtc, to: second.id, userData: userData)
        XCTAssertEqual(rig.fake.trace(since: mark), ["drmModePageFlip \(crtc) fb \(second.id)"])
        XCTAssertEqual(rig.fakeCard.vblank(), 1)
        let flips = FlipStateMachine(card: card)
        flips.modesetIssued()
        var tags: [UInt32] = []
        XCTAssertEqual(try flips.handleEvents(crtc: plan.crtc) { tags.append($0.tag) }, 1)
        XCTAssertEqual(tags, [42])
        XCTAssertEqual(rig.fakeCard.propertyValue("FB_ID", of: primary), UInt64(second.id.rawValue))

        // Occurrences count every call of that name since the fake was made.
        rig.fake.fail("drmModePageFlip", errno: EBUSY, occurrence: 2)
        XCTAssertThrowsError(try legacy.pageFlip(plan.crtc, to: first.id, userData: userData)) { error in
            XCTAssertEqual(error as? DeviceError, DeviceError(call: "drmModePageFlip", errnoCode: EBUSY, device: Rig.cardPath))
        }
        rig.fake.fail("drmModeSetCrtc", errno: EINVAL, occurrence: 2)
        XCTAssertThrowsError(try legacy.setMode(plan, showing: first.id)) { error in
            XCTAssertEqual(error as? DeviceError, DeviceError(call: "drmModeSetCrtc", errnoCode: EINVAL, device: Rig.cardPath))
        }
        try card.removeFramebuffer(first)
        try card.removeFramebuffer(second)
        XCTAssertEqual(rig.fake.violations, [])
        withExtendedLifetime(frames) {}
    }

    /// drmModeSetCrtc refused: nothing of ours reached the screen, so the
    /// display stays idle and close has nothing to put back.
    func testARefusedSetCrtcLeavesTheDisplayIdle() throws {
        let rig = Rig(.init(atomic: false))
        let before = rig.fakeCard.screenState
        let card = try rig.openCard()
        let display = try Display(card: card, selection: Rig.selection())
        let frame = rig.makeFrame("frame 0")
        let framebuffer = try display.importFramebuffer(Rig.layout(frame))
        rig.fake.fail("drmModeSetCrtc", errno: EINVAL)
        XCTAssertThrowsError(try display.show(framebuffer: framebuffer, tag: 1)) { error in
            XCTAssertEqual((error as? DeviceError)?.call, "drmModeSetCrtc")
        }
        XCTAssertEqual(display.state, .idle)
        XCTAssertNil(display.activePlane)
        let mark = rig.fake.callCount
        XCTAssertEqual(display.close().map { "\($0)" }, [])
        XCTAssertFalse(rig.fake.trace(since: mark).contains { $0.hasPrefix("drmModeSetCrtc") }, "nothing to restore")
        XCTAssertEqual(rig.fakeCard.screenState, before)
        withExtendedLifetime(frame) {}
    }

    /// drmModeSetCrtc took, the flip after it was refused: our frame is on
    /// screen without an event to wait for, so the display is showing and
    /// close puts the console back.
    func testARefusedFlipAfterTheModesetStillRestoresAtClose() throws {
        let rig = Rig(.init(atomic: false))
        let before = rig.fakeCard.screenState
        let card = try rig.openCard()
        let display = try Display(card: card, selection: Rig.selection())
        let frame = rig.makeFrame("frame 0")
        let framebuffer = try display.importFramebuffer(Rig.layout(frame))
        rig.fake.fail("drmModePageFlip", errno: EIO)
        XCTAssertThrowsError(try display.show(framebuffer: framebuffer, tag: 1)) { error in
            XCTAssertEqual((error as? DeviceError)?.call, "drmModePageFlip")
        }
        XCTAssertEqual(display.state, .showing)
        XCTAssertEqual(display.activePlane?.id.rawValue, primary)
        XCTAssertNotEqual(rig.fakeCard.screenState, before)

        // The next show is a flip, not a second modeset.
        let mark = rig.fake.callCount
        try display.show(framebuffer: framebuffer, tag: 2)
        XCTAssertEqual(rig.fake.trace(since: mark), ["drmModePageFlip \(crtc) fb \(framebuffer)"])
        XCTAssertEqual(display.state, .flipPending)

        XCTAssertEqual(display.close().map { "\($0)" }, [])
        XCTAssertEqual(rig.fakeCard.screenState, before)
        XCTAssertEqual(rig.fakeCard.framebuffersRemovedWhileShown, [])
        XCTAssertEqual(rig.fake.violations, [])
        withExtendedLifetime(frame) {}
    }
}
