import KMS
import Platform
import TestSupport
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// The display policy as a pure function over synthetic ``CardInfo`` values:
/// connector, mode, CRTC and plane choice, frame placement, and the error
/// messages that list what is available.
final class DisplayPlanTests: XCTestCase {
    static func selection(_ width: Int = 640, _ height: Int = 480, _ format: String = "XR24") -> DisplaySelection {
        DisplaySelection(frameWidth: width, frameHeight: height, format: RecordedCard.fourcc(format))
    }

    /// The planes the candidates use, in the order they are first tried.
    func planeOrder(_ selection: DisplaySelection, card: CardInfo = RecordedCard.card()) throws -> [PlaneID] {
        var order: [PlaneID] = []
        for candidate in try DisplayPlanner.candidates(for: card, selection: selection) {
            if let id = candidate.plane?.id, !order.contains(id) { order.append(id) }
        }
        return order
    }

    func plan(_ selection: DisplaySelection, card: CardInfo = RecordedCard.card()) throws -> DisplayPlan {
        try DisplayPlan.make(for: card, selection: selection)
    }

    func expectError(
        _ selection: DisplaySelection, card: CardInfo = RecordedCard.card(),
        file: StaticString = #filePath, line: UInt = #line, _ check: (DisplayError) -> Void
    ) {
        XCTAssertThrowsError(try plan(selection, card: card), file: file, line: line) { error in
            guard let error = error as? DisplayError else { return XCTFail("expected DisplayError, got \(error)", file: file, line: line) }
            check(error)
        }
    }

    // MARK: Mode strings

    func testModeStringsParse() {
        XCTAssertEqual(ModeRequest(parsing: "1024x768"), .size(width: 1024, height: 768, refreshRate: nil))
        XCTAssertEqual(ModeRequest(parsing: "1920x1080@60"), .size(width: 1920, height: 1080, refreshRate: 60))
        XCTAssertEqual(ModeRequest(parsing: " 1920x1080@59.94 "), .size(width: 1920, height: 1080, refreshRate: 59.94))
        XCTAssertEqual(ModeRequest(parsing: "1920x1080i"), .name("1920x1080i"))
        // One rule for the pipeline file and the command line: anything
        // else is refused when it is read, not later by the display.
        for text in ["1024x", "x768", "0x768", "1024x768@", "1024x768@fast", "1024x768@-60", "1024x768@0",
                     "1920x1080i@50", "big", "", "1024 x 768", "1024x768x2"] {
            XCTAssertNil(ModeRequest(parsing: text), "\"\(text)\" is not a mode")
        }
        for text in ["1920x1080@60", "1920x1080@59.94", "1024x768", "1920x1080i"] {
            XCTAssertEqual(ModeRequest(parsing: text)?.description, text, "descriptions parse back")
        }
        // A whole rate too large for an integer (found by scripts/fuzz: it
        // trapped converting to Int) is written so that it parses back.
        let huge = ModeRequest(parsing: "1920x1080@690000000000000000000000000")
        XCTAssertEqual(huge.flatMap { ModeRequest(parsing: $0.description) }, huge)
        XCTAssertEqual(huge?.description, "1920x1080@6.9e+26")
    }

    func testPlaneStringsParse() {
        XCTAssertEqual(PlaneRequest(parsing: "auto"), .automatic)
        XCTAssertEqual(PlaneRequest(parsing: "primary"), .primary)
        XCTAssertEqual(PlaneRequest(parsing: "overlay"), .overlay)
        XCTAssertEqual(PlaneRequest(parsing: "31"), .id(PlaneID(31)))
        for text in ["sideways", "", "0", "-3", "31.5", "Primary"] {
            XCTAssertNil(PlaneRequest(parsing: text), "\"\(text)\" is not a plane")
        }
        for text in ["auto", "primary", "overlay", "31"] {
            XCTAssertEqual(PlaneRequest(parsing: text)?.description, text, "descriptions parse back")
        }
    }

    func testModeRequestsPickTheRightMode() throws {
        let modes = RecordedCard.card().connectors[0].modes
        func select(_ text: String) throws -> DisplayMode? { try XCTUnwrap(ModeRequest(parsing: text)).select(from: modes) }
        XCTAssertEqual(try select("1024x768"), RecordedCard.mode1024)
        // Without a rate: the first listed (the kernel lists higher rates first), progressive over interlaced.
        XCTAssertEqual(try select("1920x1080"), RecordedCard.mode1080p60)
        XCTAssertEqual(try select("1920x1080@60"), RecordedCard.mode1080p60)
        XCTAssertEqual(try select("1920x1080@59.94"), RecordedCard.mode1080p5994)
        XCTAssertEqual(try select("1920x1080@59.9"), RecordedCard.mode1080p5994)
        XCTAssertNil(try select("1920x1080@50"))
        XCTAssertEqual(try select("1920x1080i"), RecordedCard.mode1080i)
        XCTAssertNil(try select("800x600"))
    }

    // MARK: Automatic choice

    func testAutomaticPlanUsesTheConnectedDisplayItsPreferredModeAndPrimaryFirst() throws {
        let plan = try plan(Self.selection())
        XCTAssertEqual(plan.device, RecordedCard.device)
        XCTAssertEqual(plan.connector.name, "Virtual-1")
        XCTAssertEqual(plan.mode, RecordedCard.mode1024)
        XCTAssertEqual(plan.crtc, RecordedCard.crtc)
        XCTAssertEqual(plan.plane?.id, PlaneID(31), "primary first")
        XCTAssertEqual(try planeOrder(Self.selection()), [PlaneID(31), PlaneID(33)], "primary first, then overlay; never the cursor")
        XCTAssertEqual(plan.placement, .unscaled)
        XCTAssertEqual(plan.modeChoice, .preferred)
        XCTAssertEqual(plan.planesTurnedOff, [], "the primary is the frame's own plane")
        XCTAssertEqual(plan.planesOnCrtc, [PlaneID(31)])
        XCTAssertEqual(plan.writeback?.name, "Writeback-1")
        XCTAssertFalse(plan.isLegacy)
        XCTAssertEqual(plan.layout, PlaneLayout(
            source: PixelRectangle(x: 0, y: 0, width: 640, height: 480),
            destination: PixelRectangle(x: 192, y: 144, width: 640, height: 480)))
    }

    func testPrimaryWithoutTheFormatLeavesTheOverlay() throws {
        XCTAssertEqual(try planeOrder(Self.selection(640, 480, "AR24")), [PlaneID(33)])
    }

    func testAPlaneTypeAskedForIsPinned() throws {
        var selection = Self.selection()
        selection.plane = .overlay
        XCTAssertEqual(try planeOrder(selection), [PlaneID(33)], "only overlays")
        selection.plane = .primary
        XCTAssertEqual(try planeOrder(selection), [PlaneID(31)], "only the primary")
        selection.plane = .automatic
        XCTAssertEqual(try planeOrder(selection), [PlaneID(31), PlaneID(33)])
    }

    func testAPlaneBusyOnAnotherCrtcIsNotTaken() throws {
        let card = RecordedCard.card(planes: [
            RecordedCard.plane(31, .primary, ["XR24"], on: RecordedCard.crtc),
            RecordedCard.plane(33, .overlay, ["XR24"], on: CrtcID(99)),
            RecordedCard.plane(34, .overlay, ["XR24"]),
        ])
        XCTAssertEqual(try planeOrder(Self.selection(), card: card), [PlaneID(31), PlaneID(34)])
    }

    func testAModifierThePlaneDoesNotListRulesItOut() throws {
        let vendorTiled = FormatModifier(rawValue: 0x0100_0000_0000_0001)
        let card = RecordedCard.card(planes: [
            RecordedCard.plane(31, .primary, ["XR24"], on: RecordedCard.crtc, modifiers: [vendorTiled]),
            RecordedCard.plane(33, .overlay, ["XR24"], modifiers: [.linear, vendorTiled]),
            RecordedCard.plane(34, .overlay, ["XR24"], modifiers: []),
        ])
        XCTAssertEqual(try planeOrder(Self.selection(), card: card), [PlaneID(33), PlaneID(34)])
        var tiled = Self.selection()
        tiled.modifier = vendorTiled
        XCTAssertEqual(try planeOrder(tiled, card: card), [PlaneID(31), PlaneID(33)])
    }

    func testFirstConnectedConnectorIsChosenAndUnknownIsTheFallback() throws {
        func connector(_ id: UInt32, _ name: String, _ status: ConnectorStatus) -> ConnectorInfo {
            ConnectorInfo(
                id: ConnectorID(id), name: name, typeName: String(name.prefix { $0 != "-" }), typeIndex: 1, status: status,
                isWriteback: false, widthMillimeters: 0, heightMillimeters: 0, modes: [RecordedCard.mode1024],
                currentEncoder: nil, possibleEncoders: [EncoderID(39)], possibleCrtcs: [RecordedCard.crtc])
        }
        let both = RecordedCard.card(connectors: [connector(40, "HDMI-A-1", .disconnected), connector(41, "DP-1", .unknown), connector(42, "DP-2", .connected)])
        XCTAssertEqual(try plan(Self.selection(), card: both).connector.name, "DP-2")
        let unknownOnly = RecordedCard.card(connectors: [connector(40, "HDMI-A-1", .disconnected), connector(41, "DP-1", .unknown)])
        XCTAssertEqual(try plan(Self.selection(), card: unknownOnly).connector.name, "DP-1")
    }

    func testConnectorsCanBeNamedOrNumbered() throws {
        var selection = Self.selection()
        selection.connector = .named("Virtual-1")
        XCTAssertEqual(try plan(selection).connector.id, ConnectorID(40))
        selection.connector = .named("virtual-1")
        XCTAssertEqual(try plan(selection).connector.id, ConnectorID(40))
        selection.connector = .named("40")
        XCTAssertEqual(try plan(selection).connector.id, ConnectorID(40))
        selection.connector = .id(ConnectorID(40))
        XCTAssertEqual(try plan(selection).connector.id, ConnectorID(40))
    }

    // MARK: Placement

    func testASmallerFrameIsCentred() throws {
        let layout = try PlaneLayout.fitting(frameWidth: 640, frameHeight: 480, displayWidth: 1024, displayHeight: 768)
        XCTAssertEqual(layout.source, PixelRectangle(x: 0, y: 0, width: 640, height: 480))
        XCTAssertEqual(layout.destination, PixelRectangle(x: 192, y: 144, width: 640, height: 480))
        XCTAssertFalse(layout.coversDisplay(width: 1024, height: 768))
        XCTAssertEqual(layout.description, "src 640x480+0+0 -> crtc 640x480+192+144")
    }

    func testALargerFrameIsCroppedAroundItsCentre() throws {
        let layout = try PlaneLayout.fitting(frameWidth: 1920, frameHeight: 1080, displayWidth: 1024, displayHeight: 768)
        XCTAssertEqual(layout.source, PixelRectangle(x: 448, y: 156, width: 1024, height: 768))
        XCTAssertEqual(layout.destination, PixelRectangle(x: 0, y: 0, width: 1024, height: 768))
        XCTAssertTrue(layout.coversDisplay(width: 1024, height: 768))
    }

    func testAFrameWiderButLowerIsCroppedAcrossAndCentredDown() throws {
        let layout = try PlaneLayout.fitting(frameWidth: 1280, frameHeight: 480, displayWidth: 1024, displayHeight: 768)
        XCTAssertEqual(layout.source, PixelRectangle(x: 128, y: 0, width: 1024, height: 480))
        XCTAssertEqual(layout.destination, PixelRectangle(x: 0, y: 144, width: 1024, height: 480))
    }

    func testAnOddMarginRoundsDown() throws {
        let layout = try PlaneLayout.fitting(frameWidth: 641, frameHeight: 481, displayWidth: 1024, displayHeight: 768)
        XCTAssertEqual(layout.destination, PixelRectangle(x: 191, y: 143, width: 641, height: 481))
    }

    func testAFrameOfTheModesSizeCoversIt() throws {
        let layout = try PlaneLayout.fitting(frameWidth: 1024, frameHeight: 768, displayWidth: 1024, displayHeight: 768)
        XCTAssertEqual(layout.source, layout.destination)
        XCTAssertTrue(layout.coversDisplay(width: 1024, height: 768))
    }

    func testAPositionPlacesTheFrameAndCropsAtTheEdge() throws {
        let inside = try PlaneLayout.fitting(frameWidth: 640, frameHeight: 480, displayWidth: 1024, displayHeight: 768, position: PixelPoint(x: 10, y: 20))
        XCTAssertEqual(inside.source, PixelRectangle(x: 0, y: 0, width: 640, height: 480))
        XCTAssertEqual(inside.destination, PixelRectangle(x: 10, y: 20, width: 640, height: 480))
        let overEdge = try PlaneLayout.fitting(frameWidth: 640, frameHeight: 480, displayWidth: 1024, displayHeight: 768, position: PixelPoint(x: 500, y: 400))
        XCTAssertEqual(overEdge.source, PixelRectangle(x: 0, y: 0, width: 524, height: 368))
        XCTAssertEqual(overEdge.destination, PixelRectangle(x: 500, y: 400, width: 524, height: 368))
        let larger = try PlaneLayout.fitting(frameWidth: 1920, frameHeight: 1080, displayWidth: 1024, displayHeight: 768, position: PixelPoint(x: 0, y: 0))
        XCTAssertEqual(larger.source, PixelRectangle(x: 0, y: 0, width: 1024, height: 768))
    }

    func testAPositionOffTheDisplayIsRefused() {
        for position in [PixelPoint(x: 1024, y: 0), PixelPoint(x: 0, y: 768), PixelPoint(x: -1, y: 0)] {
            XCTAssertThrowsError(try PlaneLayout.fitting(frameWidth: 640, frameHeight: 480, displayWidth: 1024, displayHeight: 768, position: position)) { error in
                XCTAssertEqual(error as? DisplayError, .positionOutsideMode(x: position.x, y: position.y, mode: "1024x768"))
            }
        }
        XCTAssertEqual(
            DisplayError.positionOutsideMode(x: 1024, y: 0, mode: "1024x768").description,
            "position 1024,0 lies outside the 1024x768 mode")
        var selection = Self.selection()
        selection.position = PixelPoint(x: 2000, y: 0)
        expectError(selection) { XCTAssertEqual($0.category, .invalidRequest) }
    }

    func testAnEmptyFrameIsRefused() {
        expectError(Self.selection(0, 480)) { error in
            XCTAssertEqual(error, .invalidFrameSize(width: 0, height: 480))
        }
    }

    // MARK: Legacy

    func testLegacyPrefersAModeOfTheFramesSizeAndThePrimaryPlane() throws {
        var selection = Self.selection()
        selection.forceLegacy = true
        let plan = try plan(selection)
        XCTAssertTrue(plan.isLegacy)
        XCTAssertEqual(plan.mode, RecordedCard.mode640)
        XCTAssertEqual(try planeOrder(selection), [PlaneID(31)])
        XCTAssertTrue(plan.layout.coversDisplay(width: 640, height: 480))
        // A card without atomic is legacy whatever was asked.
        XCTAssertTrue(try self.plan(Self.selection(), card: RecordedCard.card(atomic: false)).isLegacy)
    }

    func testLegacyCannotPlaceASmallerFrame() {
        var selection = Self.selection()
        selection.forceLegacy = true
        selection.mode = .size(width: 1024, height: 768, refreshRate: nil)
        expectError(selection) { error in
            XCTAssertEqual(error.category, .invalidRequest)
            XCTAssertTrue(error.description.contains("640x480 is smaller than 1024x768@60.004Hz (preferred)"), error.description)
        }
        // Larger frames are panned: fine.
        var larger = Self.selection(1920, 1080)
        larger.forceLegacy = true
        XCTAssertNoThrow(try plan(larger))
    }

    // MARK: Errors that list what is available

    func testAnUnknownConnectorListsTheConnectors() {
        var selection = Self.selection()
        selection.connector = .named("HDMI-A-1")
        expectError(selection) { error in
            XCTAssertEqual(error.description, "connector 'HDMI-A-1' not found on /dev/dri/card0; available: Virtual-1 (connected), Writeback-1")
            XCTAssertEqual(error.category, .notFound)
        }
        selection.connector = .id(ConnectorID(99))
        expectError(selection) { error in
            XCTAssertEqual(error.description, "connector '99' not found on /dev/dri/card0; available: Virtual-1 (connected), Writeback-1")
        }
    }

    func testAWritebackConnectorCannotBeTheDisplay() {
        var selection = Self.selection()
        selection.connector = .named("Writeback-1")
        expectError(selection) { error in
            XCTAssertEqual(
                error.description,
                "connector 'Writeback-1' on /dev/dri/card0 is a writeback connector, which captures output instead of showing it; available: Virtual-1 (connected), Writeback-1")
            XCTAssertEqual(error.category, .invalidRequest)
        }
    }

    func testNoConnectedDisplayListsTheConnectors() {
        let unplugged = ConnectorInfo(
            id: ConnectorID(40), name: "HDMI-A-1", typeName: "HDMI-A", typeIndex: 1, status: .disconnected,
            isWriteback: false, widthMillimeters: 0, heightMillimeters: 0, modes: [],
            currentEncoder: nil, possibleEncoders: [], possibleCrtcs: [RecordedCard.crtc])
        expectError(Self.selection(), card: RecordedCard.card(connectors: [unplugged])) { error in
            XCTAssertEqual(error.description, "no connected display on /dev/dri/card0; available: HDMI-A-1 (disconnected)")
            XCTAssertEqual(error.category, .unavailable)
        }
    }

    func testAnUnknownModeListsTheModes() {
        var selection = Self.selection()
        selection.mode = ModeRequest(parsing: "800x601")
        expectError(selection) { error in
            XCTAssertEqual(
                error.description,
                "mode '800x601' not offered by connector Virtual-1 on /dev/dri/card0; available: 1920x1080@60.0Hz, 1920x1080@59.94Hz, 1920x1080i@60.0Hz, 1024x768@60.004Hz (preferred), 640x480@59.94Hz")
            XCTAssertEqual(error.category, .invalidRequest)
        }
    }

    func testAFormatNoPlaneShowsListsThePlanesAndTheirFormats() {
        expectError(Self.selection(640, 480, "YUYV")) { error in
            XCTAssertEqual(
                error.description,
                "no plane of CRTC 37 on /dev/dri/card0 can show YUYV; planes: 31 primary (XR24 XR48 RG16), 33 overlay (AR24 XR24 XR48 AR48 RG16), 35 cursor (AR24)")
            XCTAssertEqual(error.category, .invalidRequest)
        }
    }

    func testTheCursorIsNeverPickedAutomatically() {
        let card = RecordedCard.card(planes: [RecordedCard.plane(31, .primary, ["XR24"], on: RecordedCard.crtc), RecordedCard.plane(35, .cursor, ["AR24"])])
        expectError(Self.selection(64, 64, "AR24"), card: card) { error in
            XCTAssertEqual(error.description, "no plane of CRTC 37 on /dev/dri/card0 can show AR24; planes: 31 primary (XR24), 35 cursor (AR24)")
        }
        var byID = Self.selection(64, 64, "AR24")
        byID.plane = .id(PlaneID(35))
        XCTAssertEqual(try planeOrder(byID, card: card), [PlaneID(35)], "asked for by id, a cursor plane is fine")
    }

    func testAPlaneAskedForByIdMustShowTheFormat() {
        var selection = Self.selection(640, 480, "AR24")
        selection.plane = .id(PlaneID(31))
        expectError(selection) { error in
            XCTAssertEqual(
                error.description,
                "plane 31 on /dev/dri/card0 cannot show AR24; planes: 31 primary (XR24 XR48 RG16), 33 overlay (AR24 XR24 XR48 AR48 RG16), 35 cursor (AR24)")
        }
        selection.plane = .id(PlaneID(77))
        expectError(selection) { error in
            XCTAssertEqual(
                error.description,
                "plane 77 not found on /dev/dri/card0; planes: 31 primary (XR24 XR48 RG16), 33 overlay (AR24 XR24 XR48 AR48 RG16), 35 cursor (AR24)")
            XCTAssertEqual(error.category, .notFound)
        }
    }

    func testRuntimeErrorMessages() {
        XCTAssertEqual(
            DisplayError.masterHeld(device: "/dev/dri/card0", errnoCode: EBUSY).description,
            "another program holds DRM master on /dev/dri/card0 (drmSetMaster failed: EBUSY); stop the display server or run from a text console")
        XCTAssertEqual(DisplayError.masterHeld(device: "/dev/dri/card0", errnoCode: EBUSY).category, .unavailable)
        XCTAssertEqual(DisplayError.masterHeld(device: "/dev/dri/card0", errnoCode: EACCES).category, .permissionDenied)
        let busy = DisplayError.flipPending(device: "/dev/dri/card0")
        XCTAssertTrue(busy.description.hasPrefix("busy: the last commit on /dev/dri/card0 has not completed"), busy.description)
        XCTAssertEqual(busy.category, .internalError)
        let rejected = DisplayError.configurationRejected(device: "/dev/dri/card0", attempts: ["plane 31 (primary) ...: EINVAL", "plane 33 (overlay) ...: EINVAL"])
        XCTAssertEqual(
            rejected.description,
            "/dev/dri/card0 rejected every display configuration tried (TEST_ONLY): plane 31 (primary) ...: EINVAL; plane 33 (overlay) ...: EINVAL")
        XCTAssertEqual(
            DisplayError.framebufferTooSmall(FramebufferID(60), width: 320, height: 240, neededWidth: 640, neededHeight: 480, device: "/dev/dri/card0").description,
            "framebuffer 60 on /dev/dri/card0 is 320x240, smaller than the 640x480 the display was set up for")
        XCTAssertEqual(
            DisplayError.writebackTimedOut(device: "/dev/dri/card0", milliseconds: 1000).description,
            "the writeback on /dev/dri/card0 did not complete within 1000 ms")
    }
}
