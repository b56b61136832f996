import Foundation
import KMS
import Pipeline
import Platform
import TestSupport
@testable import V4L2
import XCTest

/// The flags people reach for before writing a file (`--format`, `--size`,
/// `--fps`, `--buffers`), the rate chosen when none is asked for, and the
/// logs, against vivid and vkms in the lab's default boot.
final class CommandFlagsDeviceTests: XCTestCase {
    private var config: String { repositoryRoot.appendingPathComponent("configs/vivid-vkms.json").path }

    /// Sets /dev/video0's frame interval (vivid keeps it across opens).
    private func setInterval(_ interval: Fraction?) throws -> Fraction? {
        let device = try VideoDevice.open("/dev/video0")
        let type = try device.requireCapture()
        return try CaptureNegotiation.setFrameInterval(on: device, type: type, requested: interval)
    }

    func testWithNoRateTheCameraIsAskedForTheHighestUpToTheRefreshRate() throws {
        try Lab.require()
        // vivid starts at 5 fps and keeps what it was last given: start low.
        _ = try setInterval(Fraction(numerator: 1, denominator: 5))
        let device = try VideoDevice.open("/dev/video0")
        let offered = try device.frameIntervals(for: try XCTUnwrap(FourCC("XR24")), width: 320, height: 180)
        let refresh = try XCTUnwrap(try Card.open(path: "/dev/dri/card0").describe().connectors.first?.modes.first?.refreshRate)
        // Independently of FrameRateChoice: the fastest discrete rate at or
        // below the refresh rate.
        let rates = offered.compactMap { range -> Double? in
            if case .discrete(let interval) = range, interval.numerator > 0 { return interval.framesPerSecond }
            return nil
        }
        let expected = try XCTUnwrap(rates.filter { $0 <= refresh }.max(), "vivid lists rates at 320x180: \(offered)")
        XCTAssertGreaterThan(expected, 5, "a rate above vivid's starting 5 fps is on offer")

        let result = try runFramepipe(["preview", "--device", "/dev/video0", "--format", "XR24", "--size", "320x180", "--frames", "5", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let run = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let summary = try XCTUnwrap((run["sources"] as? [[String: Any]])?.first, "\(run.keys)")
        let plan = try XCTUnwrap(summary["plan"] as? String)
        let rate = expected == expected.rounded() ? String(Int(expected)) : String(expected)
        XCTAssertTrue(plan.hasSuffix("; \(rate) fps, the highest /dev/video0 offers at 320x180 up to the display's 60 Hz"), plan)
        // What the camera was really set to, read back from the driver.
        let now = try XCTUnwrap(try setInterval(nil))
        XCTAssertEqual(now.framesPerSecond, expected, accuracy: 0.01)
    }

    func testFlagsOverrideTheFile() throws {
        try Lab.require()
        let result = try runFramepipe([
            "preview", "--config", config, "--size", "320x180", "--fps", "30", "--buffers", "3", "--frames", "5", "--json",
        ])
        XCTAssertEqual(result.status, 0, result.stderr)
        let run = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let summary = try XCTUnwrap((run["sources"] as? [[String: Any]])?.first, "\(run.keys)")
        XCTAssertEqual(summary["width"] as? Int, 320)
        XCTAssertEqual(summary["height"] as? Int, 180)
        XCTAssertEqual(summary["bufferCount"] as? Int, 3)
        XCTAssertTrue((summary["plan"] as? String)?.hasSuffix("; 30 fps, as asked") == true, "\(summary["plan"] ?? "no plan")")
        XCTAssertEqual(try XCTUnwrap(try setInterval(nil)).framesPerSecond, 30, accuracy: 0.01)
        // A format the camera lacks, asked for by flag: the usual refusal.
        let missing = try runFramepipe(["plan", "--config", config, "--format", "ZZZZ"])
        XCTAssertEqual(missing.status, 65, missing.stderr)
        let offered = try VideoDevice.open("/dev/video0").formats(for: .singlePlanar).map(\.fourcc.description).joined(separator: " ")
        XCTAssertEqual(missing.stderr, "framepipe: camera /dev/video0 cannot capture 'ZZZZ'; it offers \(offered)\n")
        XCTAssertEqual(missing.stdout, "")
    }

    func testTraceShowsFailedCallsAndCandidatesOnStderrOnly() throws {
        try Lab.require()
        let plain = try runFramepipe(["plan", "--config", config])
        XCTAssertEqual(plain.status, 0, plain.stderr)
        XCTAssertEqual(plain.stderr, "", "the default level is quiet")

        let traced = try runFramepipe(["plan", "--config", config, "--log-level", "trace"])
        XCTAssertEqual(traced.status, 0, traced.stderr)
        XCTAssertEqual(traced.stdout, plain.stdout, "logs never reach stdout")
        // The refused candidate's TEST_ONLY commit is a failed device call.
        XCTAssertTrue(traced.stderr.contains("device call failed"), traced.stderr)
        XCTAssertTrue(traced.stderr.contains("DRM_IOCTL_MODE_ATOMIC") || traced.stderr.contains("drmModeAtomicCommit"), traced.stderr)
        XCTAssertTrue(traced.stderr.contains("candidate"), traced.stderr)
        XCTAssertTrue(traced.stderr.contains("plan chosen"), traced.stderr)

        let debug = try runFramepipe(["plan", "--config", config], environment: ["FRAMEPIPE_LOG_LEVEL": "debug"])
        XCTAssertEqual(debug.status, 0, debug.stderr)
        XCTAssertTrue(debug.stderr.contains("plan chosen"), debug.stderr)
        XCTAssertFalse(debug.stderr.contains("device call failed"), "failed calls are trace only: \(debug.stderr)")
    }

    /// `list --json` at trace level: the failed probes are logged on
    /// stderr, and stdout is the same JSON document as without logs.
    func testTraceLogsOfListGoToStderrAndTheJSONStaysAsItIs() throws {
        try Lab.require()
        let quiet = try runFramepipe(["list", "--json"], environment: ["FRAMEPIPE_LOG_LEVEL": ""])
        XCTAssertEqual(quiet.status, 0, quiet.stderr)
        XCTAssertEqual(quiet.stderr, "", "the default level is quiet")
        let traced = try runFramepipe(["list", "--json", "--log-level", "trace"])
        XCTAssertEqual(traced.status, 0, traced.stderr)
        XCTAssertTrue(traced.stderr.contains("device call failed"), "the probes' failed calls are logged: \(traced.stderr)")
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(traced.stdout.utf8)), traced.stdout)
        XCTAssertEqual(traced.stdout, quiet.stdout, "logs never reach stdout")
    }
}
