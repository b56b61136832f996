import Pipeline
import V4L2
import XCTest

/// The rate asked for when the user names none: the highest the camera
/// offers at the size, up to the display's refresh rate.
final class FrameRateChoiceTests: XCTestCase {
    private func interval(_ numerator: UInt32, _ denominator: UInt32) -> FrameIntervalRange {
        .discrete(Fraction(numerator: numerator, denominator: denominator))
    }

    private func choose(_ offered: [FrameIntervalRange], _ hertz: Double) -> FrameRateChoice {
        FrameRateChoice.choose(offered: offered, refreshHz: hertz, camera: "/dev/video0", size: "640x480")
    }

    func testHighestDiscreteRateAtOrBelowTheRefreshRate() {
        // As vivid's webcam input lists them: slowest to fastest, unordered.
        let offered = [interval(1, 1), interval(1, 5), interval(2, 25), interval(1, 25), interval(1, 30), interval(1, 50), interval(1, 60), interval(1, 120)]
        let at60 = choose(offered, 60.004)
        XCTAssertEqual(at60.interval, Fraction(numerator: 1, denominator: 60))
        XCTAssertEqual(at60.reason, "the highest /dev/video0 offers at 640x480 up to the display's 60 Hz")
        XCTAssertEqual(choose(offered, 50).interval, Fraction(numerator: 1, denominator: 50))
        XCTAssertEqual(choose(offered, 30).interval, Fraction(numerator: 1, denominator: 30))
        XCTAssertEqual(choose(offered, 0).interval, Fraction(numerator: 1, denominator: 120), "unknown refresh: the highest")
    }

    func testSixtyFramesPerSecondCountsAsUpToA5994HertzDisplay() {
        let offered = [interval(1, 30), interval(1, 60)]
        XCTAssertEqual(choose(offered, 59.94).interval, Fraction(numerator: 1, denominator: 60))
        XCTAssertEqual(choose(offered, 59.94).reason, "the highest /dev/video0 offers at 640x480 up to the display's 59.94 Hz")
        // ... but not a rate a whole frame faster.
        XCTAssertEqual(choose([interval(1, 30), interval(1, 75)], 60).interval, Fraction(numerator: 1, denominator: 30))
    }

    func testEveryRateAboveTheDisplayGivesTheLowest() {
        let choice = choose([interval(1, 120), interval(1, 90)], 60)
        XCTAssertEqual(choice.interval, Fraction(numerator: 1, denominator: 90))
        XCTAssertTrue(choice.reason.hasPrefix("the lowest /dev/video0 offers at 640x480; every rate"), choice.reason)
    }

    func testStepwiseRangeGivesTheStepNearestTheRefreshRate() throws {
        // 1/120 s to 1 s in 1/1000 s steps counted from 1/120 s: the first
        // step at or above 1/60.6 s is 1/120 + 9/1000 s (57.7 fps), never
        // above 60 fps.
        let range = FrameIntervalRange.stepwise(
            min: Fraction(numerator: 1, denominator: 120), max: Fraction(numerator: 1, denominator: 1),
            step: Fraction(numerator: 1, denominator: 1000))
        let chosen = try XCTUnwrap(choose([range], 60).interval)
        XCTAssertLessThanOrEqual(chosen.framesPerSecond, 60 * 1.01)
        XCTAssertEqual(chosen.framesPerSecond, 1 / (1.0 / 120 + 0.009), accuracy: 0.01)
        // A range entirely below the refresh rate: its fastest end.
        let slow = FrameIntervalRange.stepwise(
            min: Fraction(numerator: 1, denominator: 30), max: Fraction(numerator: 1, denominator: 5),
            step: Fraction(numerator: 1, denominator: 30))
        XCTAssertEqual(choose([slow], 60).interval, Fraction(numerator: 1, denominator: 30))
    }

    func testNothingListedKeepsTheDriversRate() {
        let choice = choose([], 60)
        XCTAssertNil(choice.interval)
        XCTAssertEqual(choice.reason, "the driver's rate: /dev/video0 lists none at 640x480")
        XCTAssertNil(choose([interval(0, 0)], 60).interval, "a zero interval is no rate")
    }

    /// One formatting for every rate framepipe prints (plan lines, `list`).
    func testRateLabels() {
        XCTAssertEqual(rateLabel(60.004), "60")
        XCTAssertEqual(rateLabel(59.94), "59.94")
        XCTAssertEqual(rateLabel(29.970), "29.97")
        XCTAssertEqual(rateLabel(75.5), "75.5")
        XCTAssertEqual(rateLabel(100), "100")
        XCTAssertEqual(rateLabel(12.5), "12.5")
    }
}
