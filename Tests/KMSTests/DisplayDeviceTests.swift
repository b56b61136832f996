import Foundation
import KMS
import Platform
import TestSupport
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// The display stage against vkms in the lab (`scripts/lab`, which loads
/// vkms with enable_overlay=1): one CRTC lit by fbdev at 1024x768, a primary
/// plane that must cover the CRTC, overlay planes, a writeback connector.
final class DisplayDeviceTests: XCTestCase {
    let cardPath = "/dev/dri/card0"
    let xrgb8888 = FourCC(rawValue: 0x3432_5258)  // "XR24"

    // MARK: Helpers

    func openVkms(file: StaticString = #filePath, line: UInt = #line) throws -> Card {
        let card = try Card.open(path: cardPath)
        XCTAssertEqual(card.driver.name, "vkms", file: file, line: line)
        return card
    }

    func openDescriptorCount() throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
    }

    func monotonicNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }

    /// What is on screen, as the kernel reports it: the CRTC (mode and
    /// framebuffer from drmModeGetCrtc) and every plane's FB_ID and CRTC_ID.
    struct ScreenState: Equatable {
        var crtc: CrtcInfo
        var planes: [PlaneID: [UInt64]]
        var connectorCrtcs: [ConnectorID: UInt64]
    }

    func screenState(_ card: Card) throws -> ScreenState {
        let info = try card.describe()
        var planes: [PlaneID: [UInt64]] = [:]
        for plane in info.planes {
            let properties = try card.properties(of: plane.id)
            planes[plane.id] = ["FB_ID", "CRTC_ID", "SRC_W", "SRC_H", "CRTC_X", "CRTC_Y", "CRTC_W", "CRTC_H"].map { properties[$0]?.value ?? UInt64.max }
        }
        var connectors: [ConnectorID: UInt64] = [:]
        for connector in info.connectors {
            connectors[connector.id] = try card.properties(of: connector.id)["CRTC_ID"]?.value
        }
        return ScreenState(crtc: try XCTUnwrap(info.crtcs.first), planes: planes, connectorCrtcs: connectors)
    }

    /// A test pattern that differs in every channel across the frame, so a
    /// misplaced or mis-ordered pixel shows: B = x, G = y, R = x + 2y (mod 256).
    static func pattern(x: Int, y: Int, seed: Int = 0) -> UInt32 {
        let blue = UInt32((x + seed) & 0xff), green = UInt32((y + 3 * seed) & 0xff), red = UInt32((x + 2 * y + seed) & 0xff)
        return red << 16 | green << 8 | blue
    }

    func fill(_ buffer: DumbBuffer, seed: Int) throws {
        let bytes = try buffer.mappedBytes()
        for y in 0..<buffer.height {
            for x in 0..<buffer.width {
                bytes.storeBytes(of: Self.pattern(x: x, y: y, seed: seed).littleEndian, toByteOffset: y * buffer.pitch + x * 4, as: UInt32.self)
            }
        }
    }

    /// Creates `count` dumb buffers, shares each as a dma-buf and imports
    /// the dma-buf through the display's normal import path (PRIME), then
    /// closes the dma-buf descriptor: the framebuffer keeps the memory.
    func primeImportedBuffers(_ count: Int, into display: Display, card: Card, width: Int = 640, height: Int = 480) throws -> ([DumbBuffer], [FramebufferID]) {
        var buffers: [DumbBuffer] = []
        var framebuffers: [FramebufferID] = []
        for index in 0..<count {
            let buffer = try card.createDumbBuffer(width: width, height: height, bitsPerPixel: 32)
            try fill(buffer, seed: index * 40)
            let dmaBuf = try buffer.exportDmaBuf()
            framebuffers.append(try display.importFramebuffer(buffer.layout(format: xrgb8888, dmaBufDescriptor: dmaBuf.rawValue)))
            buffers.append(buffer)
        }
        return (buffers, framebuffers)
    }

    /// Shows `framebuffer` (tagged with its id) and waits for its flip
    /// event, checking there is exactly one and that it carries the tag.
    @discardableResult
    func showAndWait(_ display: Display, _ framebuffer: FramebufferID, file: StaticString = #filePath, line: UInt = #line) throws -> FlipEvent? {
        try display.show(framebuffer: framebuffer, tag: framebuffer.rawValue)
        XCTAssertTrue(display.isFlipPending, file: file, line: line)
        var received: [FlipEvent] = []
        var receivedAt: UInt64 = 0
        let deadline = monotonicNanoseconds() + 10_000_000_000  // a watchdog, not a bound on the flip
        while received.isEmpty, monotonicNanoseconds() < deadline {
            try display.waitForEvents(timeoutMilliseconds: 500) { received.append($0) }
            receivedAt = monotonicNanoseconds()
        }
        XCTAssertEqual(received.count, 1, "one flip event per commit: \(received)", file: file, line: line)
        if let event = received.first {
            // CLOCK_MONOTONIC: the vblank happened before we read its event
            // (a CLOCK_REALTIME stamp would be decades later). How long
            // before is the emulated CPU's business: no bound here.
            XCTAssertGreaterThan(event.timestampNanoseconds, 0, file: file, line: line)
            XCTAssertLessThanOrEqual(event.timestampNanoseconds, receivedAt, "flip time \(event.timestampNanoseconds) is after its receipt \(receivedAt)", file: file, line: line)
        }
        XCTAssertEqual(received.first?.tag, framebuffer.rawValue, file: file, line: line)
        XCTAssertFalse(display.isFlipPending, file: file, line: line)
        XCTAssertEqual(display.state, .showing, file: file, line: line)
        // Nothing else arrives for this commit.
        XCTAssertEqual(try display.handleEvents { received.append($0) }, 0, file: file, line: line)
        return received.first
    }

    // MARK: Tests

    func testSixtyFlipsOfPrimeImportedBuffersEachGiveOneEventAndTeardownRestoresTheScreen() throws {
        try Lab.require()
        let descriptorsBefore = try openDescriptorCount()
        do {
            let card = try openVkms()
            let before = try screenState(card)
            let framebuffersBefore = try Lab.kernelFramebufferIDs()
            XCTAssertNotNil(before.crtc.mode, "fbdev lights the CRTC at boot")
            XCTAssertNotNil(before.crtc.framebuffer)

            let display = try Display(card: card, selection: DisplaySelection(frameWidth: 640, frameHeight: 480, format: xrgb8888))
            XCTAssertTrue(display.usesAtomic)
            XCTAssertEqual(display.plan.mode.width, 1024)
            XCTAssertEqual(display.plan.layout.destination, PixelRectangle(x: 192, y: 144, width: 640, height: 480))
            let (buffers, framebuffers) = try primeImportedBuffers(3, into: display, card: card)
            // A dma-buf this card exported imports as the exporter's own GEM
            // handle: one handle per buffer, counted, not duplicated.
            XCTAssertEqual(card.openGEMHandleCount, 3)
            XCTAssertEqual(Set(display.ownedFramebuffers.flatMap(\.handles)), Set(buffers.map(\.handle)))

            var events: [FlipEvent] = []
            for index in 0..<63 {
                let framebuffer = framebuffers[index % 3]
                let event = try XCTUnwrap(try showAndWait(display, framebuffer))
                events.append(event)
                if index == 0 {
                    // vkms's primary plane must cover the CRTC, so a smaller
                    // frame lands on an overlay, found by TEST_ONLY.
                    XCTAssertEqual(display.activePlane?.type, .overlay)
                    XCTAssertEqual(event.crtc, display.plan.crtc)
                }
                if index == 5 {
                    // One commit in flight at most: a second show is refused.
                    try display.show(framebuffer: framebuffers[0], tag: 7)
                    XCTAssertThrowsError(try display.show(framebuffer: framebuffers[1], tag: 8)) { error in
                        XCTAssertEqual(error as? DisplayError, .flipPending(device: cardPath))
                    }
                    XCTAssertTrue(display.isFlipPending)
                    var extra: [FlipEvent] = []
                    let deadline = monotonicNanoseconds() + 10_000_000_000  // a watchdog, not a bound on the flip
                    while extra.isEmpty, monotonicNanoseconds() < deadline {
                        try display.waitForEvents(timeoutMilliseconds: 500) { extra.append($0) }
                    }
                    XCTAssertEqual(extra.map(\.tag), [7])
                    events += extra
                }
            }
            XCTAssertEqual(events.count, 63 + 1, "one event per commit: 63 shown and waited for, one more at the sixth")
            for (previous, next) in zip(events, events.dropFirst()) {
                XCTAssertGreaterThan(next.sequence, previous.sequence, "vblank sequences strictly increase")
                XCTAssertGreaterThan(next.timestampNanoseconds, previous.timestampNanoseconds, "timestamps increase")
            }
            XCTAssertTrue(events.allSatisfy { $0.crtc == display.plan.crtc })

            // restore() puts the screen back; showing again sets the mode again.
            try display.restore()
            XCTAssertEqual(try screenState(card), before)
            XCTAssertNotNil(try showAndWait(display, framebuffers[1]))

            XCTAssertEqual(display.close().map { "\($0)" }, [])
            // The card is still open: a framebuffer the display forgot would
            // still be there (closing the card would remove it unseen).
            XCTAssertEqual(try Lab.kernelFramebufferIDs(), framebuffersBefore, "every framebuffer the display added is removed")
            XCTAssertEqual(display.close().count, 0, "close is idempotent")
            XCTAssertTrue(display.ownedFramebuffers.isEmpty)
            let after = try screenState(card)
            XCTAssertEqual(after.crtc.mode, before.crtc.mode)
            XCTAssertEqual(after.crtc.framebuffer, before.crtc.framebuffer)
            XCTAssertEqual(after, before)
            XCTAssertThrowsError(try display.show(framebuffer: framebuffers[0], tag: 0)) { error in
                XCTAssertEqual(error as? DisplayError, .closed(device: cardPath))
            }
            XCTAssertEqual(display.state, .closed)
            // The framebuffers' references are gone; the dumb buffers still hold theirs.
            XCTAssertEqual(card.openGEMHandleCount, 3)
            _ = buffers
        }
        XCTAssertEqual(try openDescriptorCount(), descriptorsBefore, "every descriptor closed")
    }

    func testWritebackSnapshotShowsThePatternAtThePlanesPlace() throws {
        try Lab.require()
        let descriptorsBefore = try openDescriptorCount()
        do {
            let card = try openVkms()
            let before = try screenState(card)
            let framebuffersBefore = try Lab.kernelFramebufferIDs()
            let display = try Display(card: card, selection: DisplaySelection(frameWidth: 640, frameHeight: 480, format: xrgb8888))
            let (buffers, framebuffers) = try primeImportedBuffers(2, into: display, card: card)
            XCTAssertNotNil(try showAndWait(display, framebuffers[0]))

            let snapshot = try display.captureWriteback(timeoutMilliseconds: 2000)
            XCTAssertEqual(snapshot.width, 1024)
            XCTAssertEqual(snapshot.height, 768)
            XCTAssertEqual(snapshot.format, xrgb8888)
            XCTAssertGreaterThanOrEqual(snapshot.stride, 1024 * 4)
            XCTAssertEqual(snapshot.bytes.count, snapshot.stride * 768)
            XCTAssertNotNil(snapshot.sequence, "the writeback commit's flip event was seen")

            let destination = display.plan.layout.destination
            let source = display.plan.layout.source
            var mismatches = 0
            var firstMismatch = ""
            for y in 0..<destination.height {
                for x in 0..<destination.width {
                    let expected = Self.pattern(x: source.x + x, y: source.y + y, seed: 0)
                    let actual = (snapshot.pixel(x: destination.x + x, y: destination.y + y) ?? 0) & 0x00ff_ffff
                    if actual != expected {
                        if mismatches == 0 { firstMismatch = "at \(x),\(y): expected \(String(expected, radix: 16)), got \(String(actual, radix: 16))" }
                        mismatches += 1
                    }
                }
            }
            XCTAssertEqual(mismatches, 0, "pixels differing inside the plane rectangle; first \(firstMismatch)")
            // Outside the rectangle the frame is not shown (the primary was
            // turned off, so vkms composes black there).
            XCTAssertEqual((snapshot.pixel(x: destination.x - 1, y: destination.y) ?? 1) & 0x00ff_ffff, 0)
            XCTAssertEqual((snapshot.pixel(x: 0, y: 0) ?? 1) & 0x00ff_ffff, 0)

            // The display connector is on the CRTC again, the writeback one
            // only if both could share it.
            let routing = try screenState(card).connectorCrtcs
            XCTAssertEqual(routing[display.plan.connector.id], UInt64(display.plan.crtc.rawValue))
            // vkms in Linux 6.1 cannot clone a CRTC to two connectors, so
            // the display connector was taken off for the capture and the
            // writeback connector routed away again afterwards.
            let writeback = try XCTUnwrap(display.plan.writeback, "vkms has a writeback connector")
            XCTAssertTrue(snapshot.displayWasDetached)
            XCTAssertEqual(routing[writeback.id], 0)

            // Flipping carries on after a snapshot, and a second snapshot sees the new frame.
            XCTAssertNotNil(try showAndWait(display, framebuffers[1]))
            let second = try display.captureWriteback(timeoutMilliseconds: 2000)
            XCTAssertEqual(
                (second.pixel(x: destination.x + 10, y: destination.y + 20) ?? 0) & 0x00ff_ffff,
                Self.pattern(x: source.x + 10, y: source.y + 20, seed: 40))
            XCTAssertGreaterThan(try XCTUnwrap(second.sequence), try XCTUnwrap(snapshot.sequence))

            XCTAssertEqual(display.close().map { "\($0)" }, [])
            // The card is still open: a framebuffer the display forgot would
            // still be there (closing the card would remove it unseen).
            XCTAssertEqual(try Lab.kernelFramebufferIDs(), framebuffersBefore, "every framebuffer the display added is removed")
            XCTAssertEqual(try screenState(card), before, "the writeback connector is routed back off too")
            _ = buffers
        }
        XCTAssertEqual(try openDescriptorCount(), descriptorsBefore)
    }

    /// With the 1024x768 mode and the primary plane pinned, vkms (no
    /// scaling) can only show a larger frame cropped around its centre.
    /// (Unpinned, the planner would first take the smallest mode that holds
    /// the frame, 1280x960, with the frame unscaled on an overlay.)
    func testAFrameLargerThanThePinnedModeIsCroppedAroundItsCentreOnThePrimaryPlane() throws {
        try Lab.require()
        let card = try openVkms()
        let before = try screenState(card)
        let framebuffersBefore = try Lab.kernelFramebufferIDs()
        let unpinned = try DisplayPlanner.candidates(
            for: card.describe(), selection: DisplaySelection(frameWidth: 1152, frameHeight: 864, format: xrgb8888))
        XCTAssertTrue(unpinned.contains { $0.modeChoice == .smallestHolding && $0.mode.width == 1280 && $0.placement == .unscaled })
        let display = try Display(card: card, selection: DisplaySelection(
            frameWidth: 1152, frameHeight: 864, format: xrgb8888, mode: .size(width: 1024, height: 768, refreshRate: nil), plane: .primary))
        let (buffers, framebuffers) = try primeImportedBuffers(2, into: display, card: card, width: 1152, height: 864)
        for index in 0..<4 {
            XCTAssertNotNil(try showAndWait(display, framebuffers[index % 2]))
        }
        XCTAssertEqual(display.plan.placement, .cropped, "scaled to fit was refused first")
        XCTAssertEqual(display.plan.layout.source, PixelRectangle(x: 64, y: 48, width: 1024, height: 768))
        XCTAssertEqual(display.plan.layout.destination, PixelRectangle(x: 0, y: 0, width: 1024, height: 768))
        XCTAssertEqual(display.activePlane?.type, .primary, "a full-screen frame fits vkms's primary plane")
        let snapshot = try display.captureWriteback(timeoutMilliseconds: 2000)
        for (x, y) in [(0, 0), (1023, 0), (0, 767), (1023, 767), (512, 384), (100, 700)] {
            XCTAssertEqual(
                (snapshot.pixel(x: x, y: y) ?? 0) & 0x00ff_ffff, Self.pattern(x: 64 + x, y: 48 + y, seed: 40),
                "pixel \(x),\(y) shows frame pixel \(64 + x),\(48 + y)")
        }
        XCTAssertEqual(display.close().map { "\($0)" }, [])
        // The card is still open: a framebuffer the display forgot would
        // still be there (closing the card would remove it unseen).
        XCTAssertEqual(try Lab.kernelFramebufferIDs(), framebuffersBefore, "every framebuffer the display added is removed")
        XCTAssertEqual(try screenState(card), before)
        _ = buffers
    }

    func testForcedLegacyPathFlipsWithEventsAndRestores() throws {
        try Lab.require()
        let descriptorsBefore = try openDescriptorCount()
        do {
            let card = try openVkms()
            let before = try screenState(card)
            let framebuffersBefore = try Lab.kernelFramebufferIDs()
            let display = try Display(
                card: card,
                selection: DisplaySelection(frameWidth: 640, frameHeight: 480, format: xrgb8888, forceLegacy: true))
            XCTAssertFalse(display.usesAtomic)
            XCTAssertEqual(display.plan.mode.width, 640, "legacy picks the mode of the frame's size")
            XCTAssertEqual(display.plan.mode.height, 480)
            let (buffers, framebuffers) = try primeImportedBuffers(3, into: display, card: card)
            var events: [FlipEvent] = []
            for index in 0..<12 {
                events.append(try XCTUnwrap(try showAndWait(display, framebuffers[index % 3])))
            }
            XCTAssertEqual(display.activePlane?.type, .primary)
            for (previous, next) in zip(events, events.dropFirst()) {
                XCTAssertGreaterThan(next.sequence, previous.sequence)
                XCTAssertGreaterThan(next.timestampNanoseconds, previous.timestampNanoseconds)
            }
            XCTAssertEqual(try card.describe().crtcs.first?.mode?.width, 640)
            XCTAssertEqual(display.close().map { "\($0)" }, [])
            // The card is still open: a framebuffer the display forgot would
            // still be there (closing the card would remove it unseen).
            XCTAssertEqual(try Lab.kernelFramebufferIDs(), framebuffersBefore, "every framebuffer the display added is removed")
            XCTAssertEqual(try screenState(card), before)
            _ = buffers
        }
        XCTAssertEqual(try openDescriptorCount(), descriptorsBefore)
    }

    func testMissingConnectorModeOrFormatListsWhatIsAvailable() throws {
        try Lab.require()
        let descriptorsBefore = try openDescriptorCount()
        do {
            let card = try openVkms()
            func failure(_ selection: DisplaySelection) -> DisplayError? {
                do {
                    _ = try Display(card: card, selection: selection)
                    XCTFail("expected an error for \(selection)")
                    return nil
                } catch {
                    XCTAssertTrue(error is DisplayError, "\(error)")
                    return error as? DisplayError
                }
            }
            var selection = DisplaySelection(frameWidth: 640, frameHeight: 480, format: xrgb8888)
            selection.connector = .named("HDMI-A-1")
            XCTAssertEqual(
                failure(selection)?.description,
                "connector 'HDMI-A-1' not found on /dev/dri/card0; available: Virtual-1 (connected), Writeback-1")

            selection.connector = .named("Virtual-1")
            selection.mode = ModeRequest(parsing: "800x601")
            let mode = failure(selection)?.description ?? ""
            XCTAssertTrue(mode.hasPrefix("mode '800x601' not offered by connector Virtual-1 on /dev/dri/card0; available: "), mode)
            XCTAssertTrue(mode.contains("1024x768@60.004Hz (preferred)"), mode)

            let yuyv = try XCTUnwrap(FourCC("YUYV"))
            let format = failure(DisplaySelection(frameWidth: 640, frameHeight: 480, format: yuyv))?.description ?? ""
            XCTAssertTrue(format.hasPrefix("no plane of CRTC "), format)
            XCTAssertTrue(format.contains(" on /dev/dri/card0 can show YUYV; planes: "), format)
            XCTAssertTrue(format.contains(" primary (XR24 XR48 RG16)"), format)
            XCTAssertTrue(format.contains(" overlay (AR24 XR24 XR48 AR48 RG16)"), format)

            // None of these took master or changed the screen: a display still works.
            let display = try Display(card: card, selection: DisplaySelection(frameWidth: 640, frameHeight: 480, format: xrgb8888))
            let buffer = try card.createDumbBuffer(width: 320, height: 240)
            let small = try display.adopt(try buffer.addFramebuffer(format: xrgb8888))
            XCTAssertThrowsError(try display.show(framebuffer: small, tag: 0)) { error in
                XCTAssertEqual(
                    error as? DisplayError,
                    .framebufferTooSmall(small, width: 320, height: 240, neededWidth: 640, neededHeight: 480, device: cardPath))
            }
            XCTAssertThrowsError(try display.show(framebuffer: FramebufferID(999_999), tag: 0)) { error in
                XCTAssertEqual(error as? DisplayError, .unknownFramebuffer(FramebufferID(999_999), device: cardPath))
            }
            XCTAssertEqual(display.close().map { "\($0)" }, [])
        }
        XCTAssertEqual(try openDescriptorCount(), descriptorsBefore)
    }

    func testASecondDisplayIsRefusedWhileTheFirstHoldsMasterAndTheFirstKeepsWorking() throws {
        try Lab.require()
        let descriptorsBefore = try openDescriptorCount()
        do {
            let first = try openVkms()
            let before = try screenState(first)
            let display = try Display(card: first, selection: DisplaySelection(frameWidth: 640, frameHeight: 480, format: xrgb8888))
            let (buffers, framebuffers) = try primeImportedBuffers(2, into: display, card: first)
            XCTAssertNotNil(try showAndWait(display, framebuffers[0]))

            let second = try openVkms()
            XCTAssertThrowsError(try Display(card: second, selection: DisplaySelection(frameWidth: 640, frameHeight: 480, format: xrgb8888))) { error in
                guard let error = error as? DisplayError else { return XCTFail("expected DisplayError, got \(error)") }
                XCTAssertEqual(error, .masterHeld(device: cardPath, errnoCode: EBUSY))
                XCTAssertTrue(
                    error.description.hasPrefix("another program holds DRM master on /dev/dri/card0 (drmSetMaster failed: EBUSY)"),
                    error.description)
                XCTAssertEqual(error.category, .unavailable)
            }
            // The refused display changed nothing: the first goes on flipping.
            for index in 1...6 {
                XCTAssertNotNil(try showAndWait(display, framebuffers[index % 2]))
            }
            XCTAssertEqual(display.close().map { "\($0)" }, [])
            XCTAssertEqual(try screenState(first), before)

            // With master dropped, the second card can take over.
            let successor = try Display(card: second, selection: DisplaySelection(frameWidth: 640, frameHeight: 480, format: xrgb8888))
            XCTAssertEqual(successor.close().map { "\($0)" }, [])
            _ = buffers
        }
        XCTAssertEqual(try openDescriptorCount(), descriptorsBefore)
    }

    func testALayoutTheKernelRefusesIsNamedAndChangesNothing() throws {
        try Lab.require()
        let descriptorsBefore = try openDescriptorCount()
        do {
            let card = try openVkms()
            let before = try screenState(card)
            let framebuffersBefore = try Lab.kernelFramebufferIDs()
            let primary = try XCTUnwrap(card.describe().planes.first { $0.type == .primary })
            // vkms's primary plane must cover the CRTC and cannot scale: with
            // the plane and the 1024x768 mode pinned, the centred 640x480
            // frame and the scaled one both fail TEST_ONLY, and nothing else
            // may be tried.
            let display = try Display(
                card: card,
                selection: DisplaySelection(
                    frameWidth: 640, frameHeight: 480, format: xrgb8888,
                    mode: .size(width: 1024, height: 768, refreshRate: nil), plane: .id(primary.id)))
            let (buffers, framebuffers) = try primeImportedBuffers(1, into: display, card: card)
            XCTAssertThrowsError(try display.show(framebuffer: framebuffers[0], tag: 0)) { error in
                guard let error = error as? DisplayError, case .configurationRejected(let device, let attempts) = error else {
                    return XCTFail("expected configurationRejected, got \(error)")
                }
                XCTAssertEqual(device, cardPath)
                XCTAssertEqual(attempts.count, 2, "\(attempts)")
                XCTAssertTrue(error.description.hasPrefix("/dev/dri/card0 rejected every display configuration tried (TEST_ONLY): "), error.description)
                XCTAssertTrue(
                    error.description.contains(
                        "plane \(primary.id) (primary) src 640x480+0+0 -> crtc 640x480+192+144, unscaled, mode 1024x768@60.004Hz (as requested), CRTC \(display.plan.crtc), connector Virtual-1: EINVAL"),
                    error.description)
                XCTAssertTrue(error.description.contains("-> crtc 1024x768+0+0, scaled to fit,"), error.description)
                XCTAssertEqual(error.category, .invalidRequest)
            }
            XCTAssertFalse(display.isFlipPending)
            XCTAssertEqual(display.state, .idle, "a refused modeset leaves the display idle")
            XCTAssertNil(display.activePlane)
            XCTAssertEqual(try screenState(card), before, "a refused TEST_ONLY leaves no partial modeset")
            XCTAssertEqual(display.close().map { "\($0)" }, [])
            // The card is still open: a framebuffer the display forgot would
            // still be there (closing the card would remove it unseen).
            XCTAssertEqual(try Lab.kernelFramebufferIDs(), framebuffersBefore, "every framebuffer the display added is removed")
            XCTAssertEqual(try screenState(card), before)
            _ = buffers
        }
        XCTAssertEqual(try openDescriptorCount(), descriptorsBefore)
    }

    func testImportingTheSameDmaBufTwiceSharesOneHandleClosedOnce() throws {
        try Lab.require()
        let card = try openVkms()
        let display = try Display(card: card, selection: DisplaySelection(frameWidth: 640, frameHeight: 480, format: xrgb8888))
        do {
            let buffer = try card.createDumbBuffer(width: 640, height: 480)
            let dmaBuf = try buffer.exportDmaBuf()
            let duplicate = dup(dmaBuf.rawValue)
            XCTAssertGreaterThanOrEqual(duplicate, 0)
            let copy = OwnedFD(adopting: duplicate, path: "dup")
            let one = try display.importFramebuffer(buffer.layout(format: xrgb8888, dmaBufDescriptor: dmaBuf.rawValue))
            let two = try display.importFramebuffer(buffer.layout(format: xrgb8888, dmaBufDescriptor: copy.rawValue))
            XCTAssertNotEqual(one, two)
            XCTAssertEqual(card.openGEMHandleCount, 1, "one buffer, one handle")
            XCTAssertNotNil(try showAndWait(display, one))
            try display.removeFramebuffer(two)
            XCTAssertEqual(card.openGEMHandleCount, 1)
            XCTAssertEqual(display.close().map { "\($0)" }, [])
            XCTAssertEqual(card.openGEMHandleCount, 1, "the dumb buffer still holds its handle")
        }
        XCTAssertEqual(card.openGEMHandleCount, 0, "closed once, by the last holder")
    }
}
