import KMS
import Platform
import TestSupport
import XCTest

/// The planner on recorded displays. Each display's answer to TEST_ONLY is
/// modelled by a rule (what its driver checks); the plan a display ends
/// with is the first candidate its rule accepts, as ``Display`` and the
/// pipeline's search take it.
final class DisplayPlannerTests: XCTestCase {
    /// What a driver's atomic check accepts.
    struct Rule {
        /// The primary plane must cover the whole CRTC (vkms, most simple drivers).
        var primaryCoversCrtc = true
        /// Planes may scale (vc4, i915's sprites, most SoC display engines).
        var scales = false

        func accepts(_ plan: DisplayPlan) -> Bool {
            if plan.layout.isScaled && !scales { return false }
            if primaryCoversCrtc, plan.plane?.type == .primary,
               !plan.layout.coversDisplay(width: plan.mode.width, height: plan.mode.height) { return false }
            return true
        }
    }

    static let vkms = Rule()
    static let scaler = Rule(primaryCoversCrtc: false, scales: true)

    private func chosen(_ width: Int, _ height: Int, on card: CardInfo, rule: Rule,
                        adjust: (inout DisplaySelection) -> Void = { _ in }) throws -> DisplayPlan {
        var selection = DisplaySelection(frameWidth: width, frameHeight: height, format: RecordedCard.fourcc("XR24"))
        adjust(&selection)
        let candidates = try DisplayPlanner.candidates(for: card, selection: selection)
        return try XCTUnwrap(candidates.first(where: rule.accepts), "no candidate accepted: \(candidates)")
    }

    // MARK: vkms with an overlay plane

    func testVkmsWithAnOverlayShowsASmallerFrameUnscaledOnTheOverlay() throws {
        let plan = try chosen(640, 480, on: RecordedCard.card(), rule: Self.vkms)
        XCTAssertEqual(plan.plane?.type, .overlay)
        XCTAssertEqual(plan.mode, RecordedCard.mode1024)
        XCTAssertEqual(plan.placement, .unscaled)
        XCTAssertEqual(plan.layout.destination, PixelRectangle(x: 192, y: 144, width: 640, height: 480))
        XCTAssertEqual(plan.planesTurnedOff, [PlaneID(31)], "the primary (fbcon) is turned off first")
    }

    func testTheCandidatesComeInTheDocumentedOrder() throws {
        let selection = DisplaySelection(frameWidth: 640, frameHeight: 480, format: RecordedCard.fourcc("XR24"))
        let candidates = try DisplayPlanner.candidates(for: RecordedCard.card(), selection: selection)
        let summary = candidates.map { "\($0.plane?.id.rawValue ?? 0) \($0.placement.rawValue) \($0.mode.width)x\($0.mode.height) off:\($0.planesTurnedOff.count)" }
        XCTAssertEqual(summary, [
            "31 unscaled 1024x768 off:0", "33 unscaled 1024x768 off:1", "33 unscaled 1024x768 off:0",
            "31 scaled to fit 1024x768 off:0", "33 scaled to fit 1024x768 off:1", "33 scaled to fit 1024x768 off:0",
            "31 unscaled 640x480 off:0", "33 unscaled 640x480 off:1", "33 unscaled 640x480 off:0",
        ])
        XCTAssertEqual(candidates[3].layout.destination, PixelRectangle(x: 0, y: 0, width: 1024, height: 768), "4:3 fills 4:3")
        XCTAssertEqual(candidates[6].modeChoice, .frameSize)
    }

    func testVkmsShowsAFrameOfTheModesSizeOnThePrimary() throws {
        let plan = try chosen(1024, 768, on: RecordedCard.card(), rule: Self.vkms)
        XCTAssertEqual(plan.plane?.type, .primary)
        XCTAssertEqual(plan.placement, .unscaled)
        XCTAssertTrue(plan.layout.coversDisplay(width: 1024, height: 768))
    }

    func testVkmsWithAnOverlayCentresALargerFrameOnTheSmallestModeHoldingIt() throws {
        let plan = try chosen(1280, 720, on: RecordedCard.card(), rule: Self.vkms)
        XCTAssertEqual(plan.modeChoice, .smallestHolding)
        XCTAssertEqual(plan.mode.width, 1920)
        XCTAssertFalse(plan.mode.isInterlaced)
        XCTAssertEqual(plan.plane?.type, .overlay)
        XCTAssertEqual(plan.layout.destination, PixelRectangle(x: 320, y: 180, width: 1280, height: 720))
    }

    // MARK: A primary plane alone (vkms enable_overlay=0)

    func testPrimaryOnlyTakesTheModeOfTheFramesSize() throws {
        let plan = try chosen(640, 480, on: RecordedCard.primaryOnly(), rule: Self.vkms)
        XCTAssertEqual(plan.modeChoice, .frameSize)
        XCTAssertEqual(plan.mode, RecordedCard.mode640)
        XCTAssertEqual(plan.placement, .unscaled)
    }

    func testPrimaryOnlyCropsALargerFrameToFillTheLargestModeItCovers() throws {
        let plan = try chosen(1280, 720, on: RecordedCard.primaryOnly(), rule: Self.vkms)
        // A 1024x720 crop of the 1024x768 mode would leave bands: the
        // primary must cover the CRTC, so the 640x480 mode is filled.
        XCTAssertEqual(plan.placement, .cropped)
        XCTAssertEqual(plan.modeChoice, .largestCovered)
        XCTAssertEqual(plan.mode, RecordedCard.mode640)
        XCTAssertEqual(plan.layout.source, PixelRectangle(x: 320, y: 120, width: 640, height: 480))
        XCTAssertTrue(plan.layout.coversDisplay(width: 640, height: 480))
    }

    func testAPinnedModeIsTheOnlyModeTried() throws {
        let selection = DisplaySelection(
            frameWidth: 640, frameHeight: 480, format: RecordedCard.fourcc("XR24"), mode: .size(width: 1024, height: 768, refreshRate: nil))
        let candidates = try DisplayPlanner.candidates(for: RecordedCard.primaryOnly(), selection: selection)
        XCTAssertEqual(Set(candidates.map(\.mode)), [RecordedCard.mode1024])
        XCTAssertTrue(candidates.allSatisfy { $0.modeChoice == .requested })
        XCTAssertNil(candidates.first(where: Self.vkms.accepts), "no plan on 1024x768 fits a primary-only vkms")
    }

    // MARK: A display whose planes scale

    func testAScalingDisplayShowsASmallerFrameUnscaledAndALargerOneScaledDown() throws {
        let small = try chosen(640, 480, on: RecordedCard.card(), rule: Self.scaler)
        XCTAssertEqual(small.plane?.type, .primary, "a plane that needs not cover the CRTC shows it unscaled")
        XCTAssertEqual(small.placement, .unscaled)
        let large = try chosen(1920, 1080, on: RecordedCard.card(), rule: Self.scaler)
        XCTAssertEqual(large.placement, .scaledToFit)
        XCTAssertEqual(large.mode, RecordedCard.mode1024, "the preferred mode is kept")
        XCTAssertEqual(large.layout.destination, PixelRectangle(x: 0, y: 96, width: 1024, height: 576), "16:9 letterboxed in 4:3")
        XCTAssertEqual(large.layout.source, PixelRectangle(x: 0, y: 0, width: 1920, height: 1080))
    }

    func testAPinnedPositionIsNeverScaled() throws {
        let plan = try chosen(640, 480, on: RecordedCard.card(), rule: Self.scaler) { $0.position = PixelPoint(x: 0, y: 0) }
        XCTAssertEqual(plan.layout.destination, PixelRectangle(x: 0, y: 0, width: 640, height: 480))
        let selection = DisplaySelection(frameWidth: 640, frameHeight: 480, format: RecordedCard.fourcc("XR24"), position: PixelPoint(x: 10, y: 10))
        XCTAssertFalse(try DisplayPlanner.candidates(for: RecordedCard.card(), selection: selection).contains { $0.layout.isScaled })
    }

    // MARK: A small panel

    func testASmallPanelCropsALargerFrameAroundItsCentre() throws {
        let plan = try chosen(640, 480, on: RecordedCard.panel(), rule: Self.vkms)
        XCTAssertEqual(plan.connector.name, "SPI-1")
        XCTAssertEqual(plan.placement, .cropped)
        XCTAssertEqual(plan.layout.source, PixelRectangle(x: 160, y: 120, width: 320, height: 240))
        XCTAssertTrue(plan.layout.coversDisplay(width: 320, height: 240))
        let scaled = try chosen(640, 480, on: RecordedCard.panel(), rule: Rule(primaryCoversCrtc: true, scales: true))
        XCTAssertEqual(scaled.placement, .scaledToFit, "where the panel's plane scales, scaling comes before cropping")
    }

    // MARK: Legacy only

    func testALegacyCardListsOnlyPlansThatCoverTheModeUnscaled() throws {
        let selection = DisplaySelection(frameWidth: 640, frameHeight: 480, format: RecordedCard.fourcc("XR24"))
        let candidates = try DisplayPlanner.candidates(for: RecordedCard.primaryOnly(atomic: false), selection: selection)
        XCTAssertFalse(candidates.isEmpty)
        XCTAssertTrue(candidates.allSatisfy { $0.isLegacy && !$0.layout.isScaled && $0.layout.coversDisplay(width: $0.mode.width, height: $0.mode.height) })
        XCTAssertEqual(candidates.first?.mode, RecordedCard.mode640)
        var pinned = selection
        pinned.mode = .size(width: 1024, height: 768, refreshRate: nil)
        XCTAssertThrowsError(try DisplayPlanner.candidates(for: RecordedCard.primaryOnly(atomic: false), selection: pinned)) { error in
            guard case .legacyNeedsFullScreenFrame? = error as? DisplayError else { return XCTFail("\(error)") }
        }
    }
}
