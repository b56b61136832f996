import Foundation
import TestSupport
import XCTest

/// `--format`, `--size`, `--fps`, `--buffers` and `--log-level`: checked
/// before any device is opened, so they are usage errors (64) everywhere.
final class PipelineFlagsTests: XCTestCase {
    func testBadCaptureFlagsAreUsageErrorsNamingTheFlag() throws {
        let cases: [([String], String)] = [
            (["--format", "XRGB8888"], "--format expects a fourcc of four characters"),
            (["--size", "640"], "--size expects WxH"),
            (["--size", "0x480"], "--size expects WxH"),
            (["--size", "640x99999"], "--size expects WxH"),
            (["--fps", "0"], "--fps expects frames per second"),
            (["--fps", "5000"], "--fps expects frames per second"),
            (["--buffers", "1"], "--buffers expects a buffer count from 2 to 32"),
            (["--log-level", "loud"], "--log-level"),
        ]
        for command in ["plan", "preview", "bench"] {
            for (flags, message) in cases {
                let extra = command == "bench" ? ["--frames", "1"] : []
                let result = try runFramepipe([command] + extra + flags)
                XCTAssertEqual(result.status, 64, "\(command) \(flags): \(result.stderr)")
                XCTAssertTrue(result.stderr.contains(message), "\(command) \(flags): \(result.stderr)")
                XCTAssertEqual(result.stdout, "")
            }
        }
    }

    /// Several cameras: what cannot go with them is a usage error before
    /// any device is opened, naming the flag.
    func testSeveralCameraFlagsThatContradictAreUsageErrors() throws {
        let two = ["--device", "/dev/video0", "--device", "/dev/video4"]
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("fp-two-\(getpid()).json")
        try Data(#"{"sources": [{"device": "/dev/video0"}, {"device": "/dev/video4"}]}"#.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let cases: [([String], String)] = [
            (["--device", "/dev/video0", "--device", "/dev/video0"], "--device /dev/video0 is given twice"),
            (two + ["--plane", "33"], "--plane picks one plane; 2 cameras take a plane each"),
            (two + ["--legacy"], "--legacy shows one plane; 2 cameras need atomic commits"),
            (two + ["--layout", "mosaic"], "--layout expects grid, side-by-side, picture-in-picture, got mosaic"),
            (two + ["--on-source-loss", "ignore"], "--on-source-loss expects stop or continue"),
            (["--layout", "grid"], "--layout and --commit-lead are for several cameras; give --device more than once (or \"sources\" in the file)"),
            (two + ["--commit-lead", "200"], "--commit-lead expects milliseconds from 0 to 100"),
            (["--config", file.path, "--device", "/dev/video8"], "--device replaces one camera; \(file.path) lists 2 sources"),
        ]
        for command in ["plan", "preview", "bench"] {
            for (flags, message) in cases {
                let extra = command == "bench" ? ["--frames", "1"] : []
                let result = try runFramepipe([command] + extra + flags)
                XCTAssertEqual(result.status, 64, "\(command) \(flags): \(result.stderr)")
                XCTAssertTrue(result.stderr.contains(message), "\(command) \(flags): \(result.stderr)")
                XCTAssertEqual(result.stdout, "")
            }
        }
    }

    func testBadLogLevelInTheEnvironmentIsAUsageError() throws {
        let result = try runFramepipe(["list", "--json"], environment: ["FRAMEPIPE_LOG_LEVEL": "chatty"])
        XCTAssertEqual(result.status, 64, result.stderr)
        XCTAssertTrue(result.stderr.contains("FRAMEPIPE_LOG_LEVEL expects trace, debug, info, notice, warning, error, critical, got chatty"), result.stderr)
    }

    func testLogsGoToStderrAndNeverIntoJSON() throws {
        // On the host there are no devices and in the lab there are; either
        // way trace logging must leave stdout a JSON document.
        let result = try runFramepipe(["list", "--json", "--log-level", "trace"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)), result.stdout)
        let quiet = try runFramepipe(["list", "--json"], environment: ["FRAMEPIPE_LOG_LEVEL": ""])
        XCTAssertEqual(quiet.stderr, "", "the default shows only warnings")
    }
}
