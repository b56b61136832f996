import KMS
import Platform
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// The display policy as a pure function over synthetic ``CardInfo`` values:
/// connector, mode, CRTC and plane choice, frame placement, and the error
/// messages that list what is available.
final class DisplayPlanTests: XCTestCase {
    // MARK: A card like vkms with enable_overlay=1 and enable_cursor=1

    static let device = "/dev/dri/card0"
    static let crtc = CrtcID(37)
    static let preferredType: UInt32 = 1 << 3 | 1 << 6  // DRM_MODE_TYPE_PREFERRED | DRM_MODE_TYPE_DRIVER

    static func fourcc(_ text: String) -> FourCC {
        FourCC(text) ?? FourCC(rawValue: 0)
    }

    static let mode1024 = DisplayMode(timings: ModeTimings(
        pixelClockKilohertz: 65_000,
        horizontalDisplay: 1024, horizontalSyncStart: 1048, horizontalSyncEnd: 1184, horizontalTotal: 1344,
        verticalDisplay: 768, verticalSyncStart: 771, verticalSyncEnd: 777, verticalTotal: 806,
        kernelRefreshHertz: 60, flags: 0xa, type: preferredType, name: "1024x768"))
    static let mode1080p60 = DisplayMode(timings: ModeTimings(
        pixelClockKilohertz: 148_500,
        horizontalDisplay: 1920, horizontalSyncStart: 2008, horizontalSyncEnd: 2052, horizontalTotal: 2200,
        verticalDisplay: 1080, verticalSyncStart: 1084, verticalSyncEnd: 1089, verticalTotal: 1125,
        kernelRefreshHertz: 60, flags: 5, type: 1 << 6, name: "1920x1080"))
    static let mode1080p5994 = DisplayMode(timings: ModeTimings(
        pixelClockKilohertz: 148_352,
        horizontalDisplay: 1920, horizontalSyncStart: 2008, horizontalSyncEnd: 2052, horizontalTotal: 2200,
        verticalDisplay: 1080, verticalSyncStart: 1084, verticalSyncEnd: 1089, verticalTotal: 1125,
        kernelRefreshHertz: 60, flags: 5, type: 1 << 6, name: "1920x1080"))
    static let mode1080i = DisplayMode(timings: ModeTimings(
        pixelClockKilohertz: 74_250,
        horizontalDisplay: 1920, horizontalSyncStart: 2008, horizontalSyncEnd: 2052, horizontalTotal: 2200,
        verticalDisplay: 1080, verticalSyncStart: 1084, verticalSyncEnd: 1094, verticalTotal: 1125,
        kernelRefreshHertz: 60, flags: 0x15, type: 1 << 6, name: "1920x1080i"))
    static let mode640 = DisplayMode(timings: ModeTimings(
        pixelClockKilohertz: 25_175,
        horizontalDisplay: 640, horizontalSyncStart: 656, horizontalSyncEnd: 752, horizontalTotal: 800,
        verticalDisplay: 480, verticalSyncStart: 490, verticalSyncEnd: 492, verticalTotal: 525,
        kernelRefreshHertz: 60, flags: 0xa, type: 1 << 6, name: "640x480"))

    static func plane(_ id: UInt32, _ type: PlaneType, _ formats: [String], on crtc: CrtcID? = nil, modifiers: [FormatModifier] = [.linear]) -> PlaneInfo {
        PlaneInfo(
            id: PlaneID(id), type: type, currentCrtc: crtc, currentFramebuffer: crtc == nil ? nil : FramebufferID(50),
            possibleCrtcs: [Self.crtc],
            formats: formats.map { PlaneFormat(format: fourcc($0), modifiers: modifiers) })
    }

    static func card(
        connectors: [ConnectorInfo]? = nil, planes: [PlaneInfo]? = nil, atomic: Bool = true
    ) -> CardInfo {
        let virtual = ConnectorInfo(
            id: ConnectorID(40), name: "Virtual-1", typeName: "Virtual", typeIndex: 1, status: .connected,
            isWriteback: false, widthMillimeters: 0, heightMillimeters: 0,
            modes: [mode1080p60, mode1080p5994, mode1080i, mode1024, mode640],
            currentEncoder: EncoderID(39), possibleEncoders: [EncoderID(39)], possibleCrtcs: [crtc])
        let writeback = ConnectorInfo(
            id: ConnectorID(42), name: "Writeback-1", typeName: "Writeback", typeIndex: 1, status: .unknown,
            isWriteback: true, widthMillimeters: 0, heightMillimeters: 0, modes: [],
            currentEncoder: nil, possibleEncoders: [EncoderID(41)], possibleCrtcs: [crtc])
        return CardInfo(
            path: device, driver: DriverInfo(name: "vkms", description: "Virtual Kernel Mode Setting", date: "", majorVersion: 1, minorVersion: 0, patchLevel: 0),
            capabilities: CardCapabilities(dumbBuffer: true, primeImport: true, primeExport: true, addFramebuffer2Modifiers: true, timestampMonotonic: true, atomic: atomic, universalPlanes: true, writebackConnectors: atomic),
            minimumWidth: 1, minimumHeight: 1, maximumWidth: 8192, maximumHeight: 8192,
            connectors: connectors ?? [virtual, writeback],
            encoders: [
                EncoderInfo(id: EncoderID(39), typeName: "Virtual", currentCrtc: crtc, possibleCrtcs: [crtc]),
                EncoderInfo(id: EncoderID(41), typeName: "Virtual", currentCrtc: nil, possibleCrtcs: [crtc]),
            ],
            crtcs: [CrtcInfo(id: crtc, index: 0, mode: mode1024, framebuffer: FramebufferID(50), gammaSize: 0)],
            planes: planes ?? [
                plane(31, .primary, ["XR24", "XR48", "RG16"], on: crtc),
                plane(33, .overlay, ["AR24", "XR24", "XR48", "AR48", "RG16"]),
                plane(35, .cursor, ["AR24"]),
            ])
    }

    static func selection(_ width: Int = 640, _ height: Int = 480, _ format: String = "XR24") -> DisplaySelection {
        DisplaySelection(frameWidth: width, frameHeight: height, format: fourcc(format))
    }

    func plan(_ selection: DisplaySelection, card: CardInfo = DisplayPlanTests.card()) throws -> DisplayPlan {
        try DisplayPlan.make(for: card, selection: selection)
    }

    func expectError(
        _ selection: DisplaySelection, card: CardInfo = DisplayPlanTests.card(),
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
        let modes = Self.card().connectors[0].modes
        func select(_ text: String) throws -> DisplayMode? { try XCTUnwrap(ModeRequest(parsing: text)).select(from: modes) }
        XCTAssertEqual(try select("1024x768"), Self.mode1024)
        // Without a rate: the first listed (the kernel lists higher rates first), progressive over interlaced.
        XCTAssertEqual(try select("1920x1080"), Self.mode1080p60)
        XCTAssertEqual(try select("1920x1080@60"), Self.mode1080p60)
        XCTAssertEqual(try select("1920x1080@59.94"), Self.mode1080p5994)
        XCTAssertEqual(try select("1920x1080@59.9"), Self.mode1080p5994)
        XCTAssertNil(try select("1920x1080@50"))
        XCTAssertEqual(try select("1920x1080i"), Self.mode1080i)
        XCTAssertNil(try select("800x600"))
    }

    // MARK: Automatic choice

    func testAutomaticPlanUsesTheConnectedDisplayItsPreferredModeAndPrimaryFirst() throws {
        let plan = try plan(Self.selection())
        XCTAssertEqual(plan.device, Self.device)
        XCTAssertEqual(plan.connector.name, "Virtual-1")
        XCTAssertEqual(plan.mode, Self.mode1024)
        XCTAssertEqual(plan.crtc, Self.crtc)
        XCTAssertEqual(plan.planes.map(\.id), [PlaneID(31), PlaneID(33)], "primary first, then overlay; never the cursor")
        XCTAssertEqual(plan.planesOnCrtc, [PlaneID(31)])
        XCTAssertEqual(plan.writeback?.name, "Writeback-1")
        XCTAssertFalse(plan.isLegacy)
        XCTAssertEqual(plan.layout, PlaneLayout(
            source: PixelRectangle(x: 0, y: 0, width: 640, height: 480),
            destination: PixelRectangle(x: 192, y: 144, width: 640, height: 480)))
    }

    func testPrimaryWithoutTheFormatLeavesTheOverlay() throws {
        let plan = try plan(Self.selection(640, 480, "AR24"))
        XCTAssertEqual(plan.planes.map(\.id), [PlaneID(33)])
    }

    func testPreferringOverlaysPutsThemFirst() throws {
        var selection = Self.selection()
        selection.plane = .overlay
        XCTAssertEqual(try plan(selection).planes.map(\.id), [PlaneID(33), PlaneID(31)])
        selection.plane = .primary
        XCTAssertEqual(try plan(selection).planes.map(\.id), [PlaneID(31), PlaneID(33)])
    }

    func testAPlaneBusyOnAnotherCrtcIsNotTaken() throws {
        let card = Self.card(planes: [
            Self.plane(31, .primary, ["XR24"], on: Self.crtc),
            Self.plane(33, .overlay, ["XR24"], on: CrtcID(99)),
            Self.plane(34, .overlay, ["XR24"]),
        ])
        XCTAssertEqual(try plan(Self.selection(), card: card).planes.map(\.id), [PlaneID(31), PlaneID(34)])
    }

    func testAModifierThePlaneDoesNotListRulesItOut() throws {
        let vendorTiled = FormatModifier(rawValue: 0x0100_0000_0000_0001)
        let card = Self.card(planes: [
            Self.plane(31, .primary, ["XR24"], on: Self.crtc, modifiers: [vendorTiled]),
            Self.plane(33, .overlay, ["XR24"], modifiers: [.linear, vendorTiled]),
            Self.plane(34, .overlay, ["XR24"], modifiers: []),
        ])
        XCTAssertEqual(try plan(Self.selection(), card: card).planes.map(\.id), [PlaneID(33), PlaneID(34)])
        var tiled = Self.selection()
        tiled.modifier = vendorTiled
        XCTAssertEqual(try plan(tiled, card: card).planes.map(\.id), [PlaneID(31), PlaneID(33)])
    }

    func testFirstConnectedConnectorIsChosenAndUnknownIsTheFallback() throws {
        func connector(_ id: UInt32, _ name: String, _ status: ConnectorStatus) -> ConnectorInfo {
            ConnectorInfo(
                id: ConnectorID(id), name: name, typeName: String(name.prefix { $0 != "-" }), typeIndex: 1, status: status,
                isWriteback: false, widthMillimeters: 0, heightMillimeters: 0, modes: [Self.mode1024],
                currentEncoder: nil, possibleEncoders: [EncoderID(39)], possibleCrtcs: [Self.crtc])
        }
        let both = Self.card(connectors: [connector(40, "HDMI-A-1", .disconnected), connector(41, "DP-1", .unknown), connector(42, "DP-2", .connected)])
        XCTAssertEqual(try plan(Self.selection(), card: both).connector.name, "DP-2")
        let unknownOnly = Self.card(connectors: [connector(40, "HDMI-A-1", .disconnected), connector(41, "DP-1", .unknown)])
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
        XCTAssertEqual(plan.mode, Self.mode640)
        XCTAssertEqual(plan.planes.map(\.id), [PlaneID(31)])
        XCTAssertTrue(plan.layout.coversDisplay(width: 640, height: 480))
        // A card without atomic is legacy whatever was asked.
        XCTAssertTrue(try self.plan(Self.selection(), card: Self.card(atomic: false)).isLegacy)
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
            currentEncoder: nil, possibleEncoders: [], possibleCrtcs: [Self.crtc])
        expectError(Self.selection(), card: Self.card(connectors: [unplugged])) { error in
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
        let card = Self.card(planes: [Self.plane(31, .primary, ["XR24"], on: Self.crtc), Self.plane(35, .cursor, ["AR24"])])
        expectError(Self.selection(64, 64, "AR24"), card: card) { error in
            XCTAssertEqual(error.description, "no plane of CRTC 37 on /dev/dri/card0 can show AR24; planes: 31 primary (XR24), 35 cursor (AR24)")
        }
        var byID = Self.selection(64, 64, "AR24")
        byID.plane = .id(PlaneID(35))
        XCTAssertEqual(try plan(byID, card: card).planes.map(\.id), [PlaneID(35)], "asked for by id, a cursor plane is fine")
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
