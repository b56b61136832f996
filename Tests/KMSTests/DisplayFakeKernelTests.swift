import KMS
import Platform
import TestSupport
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// The display stage against a scripted fake kernel (a vkms-like card), on
/// any machine: the TEST_ONLY fallback over planes, the state machine of
/// modeset, flips and events, and the legacy path.
final class DisplayFakeKernelTests: XCTestCase {
    typealias Rig = FakeDisplayRig
    let primary = FakeCard.primaryPlaneID
    let overlay = FakeCard.overlayPlaneID
    let crtc = FakeCard.crtcID

    // MARK: TEST_ONLY fallback

    /// vkms's primary plane must cover the CRTC, so a 640x480 frame centred
    /// in 1024x768 is refused there and shown on the overlay, with the
    /// primary plane (fbdev's console) turned off.
    func testTestOnlyFallsBackFromThePrimaryPlaneToTheOverlay() throws {
        let rig = Rig()
        let card = try rig.openCard()
        let display = try Display(card: card, selection: Rig.selection())
        XCTAssertTrue(display.usesAtomic)
        XCTAssertEqual(Array(Set(display.candidates.compactMap { $0.plane?.id.rawValue })).sorted(), [primary, overlay])
        XCTAssertEqual(display.plan.mode.width, 1024)
        let frame = rig.makeFrame("frame 0")
        let framebuffer = try display.importFramebuffer(Rig.layout(frame))

        let mark = rig.fake.callCount
        let commitsBefore = rig.fakeCard.commits.count
        try display.show(framebuffer: framebuffer, tag: 7)
        XCTAssertEqual(rig.fake.trace(since: mark).filter { $0.hasPrefix("DRM_IOCTL_MODE_ATOMIC") }, [
            "DRM_IOCTL_MODE_ATOMIC TEST_ONLY|ALLOW_MODESET -> EINVAL",
            "DRM_IOCTL_MODE_ATOMIC TEST_ONLY|ALLOW_MODESET",
            "DRM_IOCTL_MODE_ATOMIC PAGE_FLIP_EVENT|ALLOW_MODESET",
        ])
        let commits = Array(rig.fakeCard.commits.dropFirst(commitsBefore))
        XCTAssertEqual(commits.count, 3)
        let fb = UInt64(framebuffer.rawValue)
        XCTAssertEqual(commits[0].value(of: "FB_ID", on: primary), fb, "first try: the primary plane")
        XCTAssertEqual(commits[1].value(of: "FB_ID", on: overlay), fb, "second try: the overlay")
        XCTAssertEqual(commits[1].value(of: "FB_ID", on: primary), 0, "with the primary plane turned off")
        XCTAssertEqual(commits[2].changes, commits[1].changes, "the accepted layout is the one committed")
        XCTAssertEqual(commits[2].userData & 0xffff_ffff, 7)

        XCTAssertEqual(display.activePlane?.id.rawValue, overlay)
        XCTAssertEqual(display.state, .modesetPending)
        XCTAssertEqual(rig.fakeCard.propertyValue("FB_ID", of: overlay), fb)
        XCTAssertEqual(rig.fakeCard.propertyValue("CRTC_X", of: overlay), 192)
        XCTAssertEqual(rig.fakeCard.propertyValue("CRTC_Y", of: overlay), 144)
        XCTAssertEqual(rig.fakeCard.propertyValue("FB_ID", of: primary), 0)
        XCTAssertEqual(rig.fake.violations, [])
    }

    /// A primary plane that must cover the CRTC and cannot scale: the
    /// centred frame and the scaled one are refused, and the 640x480 mode,
    /// the frame's size, is found (before the planner, this display ended
    /// in "rejected every display configuration tried").
    func testWithoutAnOverlayTheModeOfTheFramesSizeIsFound() throws {
        let rig = Rig(.init(overlayPlane: false))
        let card = try rig.openCard()
        let display = try Display(card: card, selection: Rig.selection())
        let frame = rig.makeFrame("frame 0")
        let framebuffer = try display.importFramebuffer(Rig.layout(frame))
        let mark = rig.fake.callCount
        try display.show(framebuffer: framebuffer, tag: 1)
        XCTAssertEqual(rig.fake.trace(since: mark).filter { $0.hasPrefix("DRM_IOCTL_MODE_ATOMIC") }, [
            "DRM_IOCTL_MODE_ATOMIC TEST_ONLY|ALLOW_MODESET -> EINVAL",
            "DRM_IOCTL_MODE_ATOMIC TEST_ONLY|ALLOW_MODESET -> ERANGE",
            "DRM_IOCTL_MODE_ATOMIC TEST_ONLY|ALLOW_MODESET",
            "DRM_IOCTL_MODE_ATOMIC PAGE_FLIP_EVENT|ALLOW_MODESET",
        ])
        XCTAssertEqual(display.plan.mode.width, 640)
        XCTAssertNotNil(rig.fakeCard.commits.last?.value(of: "MODE_ID", on: FakeCard.crtcID), "another mode: a full modeset")
        XCTAssertEqual(display.plan.modeChoice, .frameSize)
        XCTAssertEqual(display.plan.placement, .unscaled)
        XCTAssertTrue(display.plan.layout.coversDisplay(width: 640, height: 480))
        XCTAssertEqual(display.activePlane?.id.rawValue, primary)
        XCTAssertEqual(display.state, .modesetPending)
        XCTAssertEqual(display.close().map { "\($0)" }, [])
        withExtendedLifetime(frame) {}
    }

    /// The console already shows the plan's mode: the first commit changes
    /// planes only (no MODE_ID, no ACTIVE, no connector routing), so the
    /// pipe is not turned off and on and its vblanks go on; a console that
    /// is off gets the full modeset.
    func testTheModeTheConsoleShowsIsKeptWithoutAFullModeset() throws {
        for consoleOn in [true, false] {
            let rig = Rig(.init(consoleOn: consoleOn))
            let card = try rig.openCard()
            let display = try Display(card: card, selection: Rig.selection())
            let frame = rig.makeFrame("frame 0")
            try display.show(framebuffer: try display.importFramebuffer(Rig.layout(frame)), tag: 1)
            let commit = try XCTUnwrap(rig.fakeCard.commits.last)
            XCTAssertEqual(commit.value(of: "MODE_ID", on: FakeCard.crtcID) == nil, consoleOn, "console on: \(consoleOn)")
            XCTAssertEqual(commit.value(of: "ACTIVE", on: FakeCard.crtcID) == nil, consoleOn)
            XCTAssertEqual(display.plan.mode.width, 1024)
            let before = rig.fakeCard.commits.count
            XCTAssertEqual(display.close().map { "\($0)" }, [])
            let restore = try XCTUnwrap(rig.fakeCard.commits.dropFirst(before).first, "the restore commit")
            XCTAssertEqual(restore.value(of: "MODE_ID", on: FakeCard.crtcID) == nil, consoleOn, "nor at exit: planes only")
            XCTAssertEqual(rig.fakeCard.screenState, Rig(.init(consoleOn: consoleOn)).fakeCard.screenState, "as found")
            withExtendedLifetime(frame) {}
        }
    }

    /// With the mode pinned, nothing else is searched: both layouts on it
    /// are refused, each named with its errno, and the screen is untouched.
    func testWithoutAnOverlayAndTheModePinnedEveryAttemptIsRejectedAndTheDisplayStaysIdle() throws {
        var selection = Rig.selection()
        selection.mode = .size(width: 1024, height: 768, refreshRate: nil)
        try checkEveryAttemptRejected(Rig(.init(overlayPlane: false)), selection: selection)
    }

    func testAPlanePinnedToThePrimaryWithThePreferredModePinnedIsRejectedAndTheDisplayStaysIdle() throws {
        var selection = Rig.selection(plane: .id(PlaneID(FakeCard.primaryPlaneID)))
        selection.mode = .size(width: 1024, height: 768, refreshRate: nil)
        try checkEveryAttemptRejected(Rig(), selection: selection)
    }

    private func checkEveryAttemptRejected(_ rig: Rig, selection: DisplaySelection, file: StaticString = #filePath, line: UInt = #line) throws {
        let card = try rig.openCard()
        let display = try Display(card: card, selection: selection)
        XCTAssertEqual(Set(display.candidates.compactMap { $0.plane?.id.rawValue }), [primary], file: file, line: line)
        let frame = rig.makeFrame("frame 0")
        let framebuffer = try display.importFramebuffer(Rig.layout(frame))
        let before = rig.fakeCard.screenState
        let mark = rig.fake.callCount

        XCTAssertThrowsError(try display.show(framebuffer: framebuffer, tag: 1), file: file, line: line) { error in
            guard case DisplayError.configurationRejected(let device, let attempts)? = error as? DisplayError else {
                return XCTFail("expected configurationRejected, got \(error)", file: file, line: line)
            }
            XCTAssertEqual(device, Rig.cardPath, file: file, line: line)
            XCTAssertEqual(attempts.count, 2, "\(attempts)", file: file, line: line)
            XCTAssertTrue(attempts.first?.hasPrefix("plane \(primary) (primary) src 640x480+0+0 -> crtc 640x480+192+144, unscaled, mode 1024x768") ?? false,
                          "\(attempts)", file: file, line: line)
            XCTAssertTrue(attempts.first?.hasSuffix(": EINVAL") ?? false, "\(attempts)", file: file, line: line)
            XCTAssertTrue(attempts.last?.contains("-> crtc 1024x768+0+0, scaled to fit") ?? false, "\(attempts)", file: file, line: line)
        }
        XCTAssertEqual(rig.fake.trace(since: mark).filter { $0.hasPrefix("DRM_IOCTL_MODE_ATOMIC") }, [
            "DRM_IOCTL_MODE_ATOMIC TEST_ONLY|ALLOW_MODESET -> EINVAL", "DRM_IOCTL_MODE_ATOMIC TEST_ONLY|ALLOW_MODESET -> ERANGE",
        ], file: file, line: line)
        XCTAssertEqual(display.state, .idle, file: file, line: line)
        XCTAssertNil(display.activePlane, file: file, line: line)
        XCTAssertEqual(rig.fakeCard.screenState, before, "nothing changed on screen", file: file, line: line)
        XCTAssertFalse(rig.fakeCard.hasPendingFlip, file: file, line: line)
    }

    // MARK: States and events

    func testModesetThenFlipsEachDeliverOneEventWithTheirTag() throws {
        let rig = Rig()
        let card = try rig.openCard()
        let display = try Display(card: card, selection: Rig.selection())
        let frames = [rig.makeFrame("frame 0"), rig.makeFrame("frame 1")]
        let first = try display.importFramebuffer(Rig.layout(frames[0]))
        let second = try display.importFramebuffer(Rig.layout(frames[1]))
        XCTAssertEqual(display.state, .idle)

        try display.show(framebuffer: first, tag: 1)
        XCTAssertEqual(display.state, .modesetPending)
        XCTAssertThrowsError(try display.show(framebuffer: second, tag: 2)) { error in
            XCTAssertEqual(error as? DisplayError, .flipPending(device: Rig.cardPath))
        }
        rig.fakeCard.vblank()
        var events: [FlipEvent] = []
        XCTAssertEqual(try display.handleEvents { events.append($0) }, 1)
        XCTAssertEqual(events.map(\.tag), [1])
        XCTAssertEqual(events.first?.crtc, CrtcID(crtc))
        XCTAssertEqual(display.state, .showing)
        XCTAssertEqual(try display.handleEvents { events.append($0) }, 0, "one event per commit")

        let mark = rig.fake.callCount
        try display.show(framebuffer: second, tag: 2)
        XCTAssertEqual(rig.fake.trace(since: mark), ["DRM_IOCTL_MODE_ATOMIC NONBLOCK|PAGE_FLIP_EVENT"])
        XCTAssertEqual(rig.fakeCard.commits.last?.changes, [FakeCommit.Change(object: overlay, property: "FB_ID", value: UInt64(second.rawValue))])
        XCTAssertEqual(display.state, .flipPending)
        XCTAssertThrowsError(try display.show(framebuffer: first, tag: 3)) { error in
            XCTAssertEqual(error as? DisplayError, .flipPending(device: Rig.cardPath))
        }
        XCTAssertEqual(try display.handleEvents { events.append($0) }, 0, "no event before the vblank")
        XCTAssertEqual(display.state, .flipPending)

        XCTAssertEqual(rig.fakeCard.vblank(), 1)
        XCTAssertEqual(try display.handleEvents { events.append($0) }, 1)
        XCTAssertEqual(events.map(\.tag), [1, 2])
        XCTAssertEqual(events[1].sequence, events[0].sequence &+ 2, "one vblank passed without a flip, one with")
        XCTAssertLessThan(events[0].timestampNanoseconds, events[1].timestampNanoseconds)
        XCTAssertEqual(display.state, .showing)
        XCTAssertEqual(rig.fake.violations, [])
    }

    // MARK: Legacy

    /// A card without atomic: drmModeSetCrtc then drmModePageFlip for the
    /// first frame (at the 640x480 mode: legacy cannot place a smaller
    /// frame), drmModePageFlip after, one event per show, and the console
    /// put back with drmModeSetCrtc.
    func testLegacyCardSetsTheCrtcFlipsAndRestoresWithSetCrtc() throws {
        let rig = Rig(.init(atomic: false))
        let before = rig.fakeCard.screenState
        let card = try rig.openCard()
        XCTAssertFalse(card.capabilities.atomic)
        let display = try Display(card: card, selection: Rig.selection())
        XCTAssertFalse(display.usesAtomic)
        XCTAssertEqual(display.plan.mode.width, 640)
        let frames = [rig.makeFrame("frame 0"), rig.makeFrame("frame 1")]
        let first = try display.importFramebuffer(Rig.layout(frames[0]))
        let second = try display.importFramebuffer(Rig.layout(frames[1]))

        var mark = rig.fake.callCount
        try display.show(framebuffer: first, tag: 1)
        XCTAssertEqual(rig.fake.trace(since: mark), ["drmModeSetCrtc \(crtc) fb \(first)", "drmModePageFlip \(crtc) fb \(first)"])
        XCTAssertEqual(display.state, .modesetPending)
        var events: [FlipEvent] = []
        XCTAssertEqual(try display.handleEvents { events.append($0) }, 0)
        rig.fakeCard.vblank()
        XCTAssertEqual(try display.handleEvents { events.append($0) }, 1)
        XCTAssertEqual(display.state, .showing)

        mark = rig.fake.callCount
        try display.show(framebuffer: second, tag: 2)
        XCTAssertEqual(rig.fake.trace(since: mark), ["drmModePageFlip \(crtc) fb \(second)"])
        XCTAssertEqual(display.state, .flipPending)
        rig.fakeCard.vblank()
        XCTAssertEqual(try display.handleEvents { events.append($0) }, 1)
        XCTAssertEqual(events.map(\.tag), [1, 2])
        XCTAssertEqual(rig.fakeCard.propertyValue("FB_ID", of: primary), UInt64(second.rawValue))

        mark = rig.fake.callCount
        XCTAssertEqual(display.close().count, 0)
        let closeCalls = rig.fake.trace(since: mark)
        XCTAssertEqual(closeCalls.first, "drmModeSetCrtc \(crtc) fb \(FakeCard.consoleFramebufferID)")
        XCTAssertFalse(closeCalls.contains { $0.hasPrefix("DRM_IOCTL_MODE_ATOMIC") })
        XCTAssertEqual(rig.fakeCard.screenState, before)
        XCTAssertEqual(rig.fakeCard.framebufferIDs, [])
        XCTAssertEqual(rig.fakeCard.framebuffersRemovedWhileShown, [])
        XCTAssertFalse(rig.fakeCard.isMasterHeld)
        XCTAssertEqual(rig.fake.violations, [])
    }

    // MARK: Opening

    func testOpeningACardWithoutPermissionNamesThePathAndEACCES() {
        let rig = Rig()
        rig.fake.denyAccess(to: Rig.cardPath)
        XCTAssertThrowsError(try rig.openCard()) { error in
            XCTAssertEqual(error as? DeviceError, DeviceError(call: "open", errnoCode: EACCES, device: Rig.cardPath))
            XCTAssertEqual((error as? DeviceError)?.category, .permissionDenied)
        }
        XCTAssertEqual(rig.fake.trace, ["stat \(Rig.cardPath)", "open \(Rig.cardPath) -> EACCES"])
        XCTAssertEqual(rig.fake.openDescriptors, [])
    }

    func testAnotherMasterMakesSetupFailWithMasterHeldAndLeavesNothing() throws {
        let rig = Rig()
        let other = rig.fake.open(Rig.cardPath, O_RDWR)
        XCTAssertEqual(rig.fake.drmSetMaster(other), 0)
        do {
            let card = try rig.openCard()
            XCTAssertThrowsError(try Display(card: card, selection: Rig.selection())) { error in
                XCTAssertEqual(error as? DisplayError, .masterHeld(device: Rig.cardPath, errnoCode: EBUSY))
            }
            XCTAssertEqual(rig.fake.outstandingLibdrmAllocations, 0)
        }
        XCTAssertEqual(rig.fake.openDescriptorLabels, [Rig.cardPath], "only the other program's descriptor")
        XCTAssertEqual(rig.fake.close(other, backend: .system), 0)
        XCTAssertEqual(rig.fake.leakReport().releasedAtClose, ["DRM master dropped by the close of /dev/dri/card0"],
                       "only the other program's master, released when its descriptor closed")
    }

    func testCardsAreListedFromTheFakeDirectory() {
        let rig = Rig()
        rig.fake.addCard(at: "/dev/dri/card1")
        XCTAssertEqual(Card.devicePaths(in: "/dev/dri", kernel: rig.fake), ["/dev/dri/card0", "/dev/dri/card1"])
        XCTAssertEqual(try DeviceNodeKind.of("/dev/dri/card1", kernel: rig.fake), .drm)
        XCTAssertEqual(try DeviceNodeKind.of("/dev/dri", kernel: rig.fake), .directory)
    }
}
