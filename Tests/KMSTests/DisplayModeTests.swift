import KMS
import XCTest

/// The refresh-rate arithmetic, checked against modes whose rates are known
/// from the VESA DMT and CEA-861 tables.
final class DisplayModeTests: XCTestCase {
    func testProgressiveModesMatchTheirStandardRates() {
        // DMT 1024x768@60, the mode vkms prefers: 65 MHz / (1344 × 806).
        XCTAssertEqual(DisplayMode.refreshRate(pixelClockKilohertz: 65_000, horizontalTotal: 1344, verticalTotal: 806), 60.004)
        // CEA 1080p60: 148.5 MHz / (2200 × 1125) is exactly 60.
        XCTAssertEqual(DisplayMode.refreshRate(pixelClockKilohertz: 148_500, horizontalTotal: 2200, verticalTotal: 1125), 60)
        // CEA 1080p59.94: the clock divided by 1.001 (the kernel stores 148352 kHz).
        XCTAssertEqual(DisplayMode.refreshRate(pixelClockKilohertz: 148_352, horizontalTotal: 2200, verticalTotal: 1125), 59.940)
    }

    func testInterlacedModesCountFields() {
        // CEA 1080i60: the 1125 lines are sent as two fields, 60 fields a second.
        XCTAssertEqual(
            DisplayMode.refreshRate(pixelClockKilohertz: 74_250, horizontalTotal: 2200, verticalTotal: 1125, isInterlaced: true),
            60)
    }

    func testDoubleScanAndVerticalScanDivideTheRate() {
        let base = DisplayMode.refreshRate(pixelClockKilohertz: 25_175, horizontalTotal: 800, verticalTotal: 525)
        XCTAssertEqual(base, 59.940)
        XCTAssertEqual(
            DisplayMode.refreshRate(pixelClockKilohertz: 25_175, horizontalTotal: 800, verticalTotal: 525, isDoubleScan: true),
            29.970)
        XCTAssertEqual(
            DisplayMode.refreshRate(pixelClockKilohertz: 25_175, horizontalTotal: 800, verticalTotal: 525, verticalScan: 2),
            29.970)
        XCTAssertEqual(
            DisplayMode.refreshRate(pixelClockKilohertz: 25_175, horizontalTotal: 800, verticalTotal: 525, verticalScan: 3),
            19.980)
        // Double scan and vscan multiply, as in the kernel.
        XCTAssertEqual(
            DisplayMode.refreshRate(
                pixelClockKilohertz: 25_175, horizontalTotal: 800, verticalTotal: 525, verticalScan: 2, isDoubleScan: true),
            14.985)
        // vscan 0 and 1 both mean "each line once".
        XCTAssertEqual(
            DisplayMode.refreshRate(pixelClockKilohertz: 25_175, horizontalTotal: 800, verticalTotal: 525, verticalScan: 1),
            base)
    }

    func testDegenerateTimingsGiveZeroInsteadOfDividingByZero() {
        XCTAssertEqual(DisplayMode.refreshRate(pixelClockKilohertz: 65_000, horizontalTotal: 0, verticalTotal: 806), 0)
        XCTAssertEqual(DisplayMode.refreshRate(pixelClockKilohertz: 65_000, horizontalTotal: 1344, verticalTotal: 0), 0)
    }

    func testDisplayModeDerivesSizeRateAndFlagsFromTimings() {
        let preferredType: UInt32 = 1 << 3   // DRM_MODE_TYPE_PREFERRED
        let interlaceFlag: UInt32 = 1 << 4   // DRM_MODE_FLAG_INTERLACE
        let progressive = DisplayMode(timings: ModeTimings(
            pixelClockKilohertz: 65_000,
            horizontalDisplay: 1024, horizontalSyncStart: 1048, horizontalSyncEnd: 1184, horizontalTotal: 1344,
            verticalDisplay: 768, verticalSyncStart: 771, verticalSyncEnd: 777, verticalTotal: 806,
            kernelRefreshHertz: 60, type: preferredType, name: "1024x768"))
        XCTAssertEqual(progressive.width, 1024)
        XCTAssertEqual(progressive.height, 768)
        XCTAssertEqual(progressive.refreshRate, 60.004)
        XCTAssertTrue(progressive.isPreferred)
        XCTAssertFalse(progressive.isInterlaced)
        XCTAssertEqual(progressive.description, "1024x768@60.004Hz (preferred)")

        let interlaced = DisplayMode(timings: ModeTimings(
            pixelClockKilohertz: 74_250,
            horizontalDisplay: 1920, horizontalSyncStart: 2008, horizontalSyncEnd: 2052, horizontalTotal: 2200,
            verticalDisplay: 1080, verticalSyncStart: 1084, verticalSyncEnd: 1094, verticalTotal: 1125,
            flags: interlaceFlag, name: "1920x1080i"))
        XCTAssertTrue(interlaced.isInterlaced)
        XCTAssertFalse(interlaced.isPreferred)
        XCTAssertEqual(interlaced.refreshRate, 60)
    }
}
