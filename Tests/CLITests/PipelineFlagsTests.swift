import Foundation
import TestSupport
import XCTest

/// `--format`, `--size`, `--fps`, `--buffers` and `--log-level`: checked
/// before any device is opened, so they are usage errors (64) everywhere.
final class PipelineFlagsTests: XCTestCase {
    func testBadCaptureFlagsAreUsageErrorsNamingTheFlag() throws {
        let size = "--size expects WxH with each side from 1 to 16384 pixels (e.g. 1280x720), got"
        let fps = "--fps expects frames per second above 0 and at most 1000, got"
        let cases: [([String], String)] = [
            (["--format", "XRGB8888"], "--format expects a fourcc of four characters such as XR24 or YUYV, got XRGB8888"),
            (["--size", "640"], "\(size) 640"),
            (["--size", "0x480"], "\(size) 0x480"),
            (["--size", "640x99999"], "\(size) 640x99999"),
            (["--fps", "0"], "\(fps) 0.0"),
            (["--fps", "5000"], "\(fps) 5000.0"),
            (["--buffers", "1"], "--buffers expects a buffer count from 2 to 32, got 1"),
            (["--media", "configure"], "--media expects auto, as-is or persist, got configure"),
            (["--log-level", "loud"],
             "The value 'loud' is invalid for '--log-level <level>'. Please provide one of the following:\n"
                + "  - trace\n  - debug\n  - info\n  - notice\n  - warning\n  - error\n  - critical"),
        ]
        for command in ["plan", "preview", "bench"] {
            for (flags, message) in cases {
                let extra = command == "bench" ? ["--frames", "1"] : []
                let result = try runFramepipe([command] + extra + flags)
                XCTAssertEqual(result.status, 64, "\(command) \(flags): \(result.stderr)")
                // ArgumentParser's form: the message, then how to get help.
                XCTAssertTrue(result.stderr.hasPrefix("Error: \(message)\n"), "\(command) \(flags): \(result.stderr)")
                let usage = command == "bench" ? "bench [<options>] --frames <n>" : "\(command) <options>"
                XCTAssertTrue(result.stderr.hasSuffix("Usage: framepipe \(usage)\n  See 'framepipe \(command) --help' for more information.\n"),
                              "\(command) \(flags): \(result.stderr)")
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
            (["--media", "as-is", "--enable-media-links"], "--enable-media-links changes the media pipeline, which --media as-is (or source.media \"as-is\") forbids; drop one of them"),
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

    /// Trace logging leaves `--json` output as it is without it. That the
    /// logs do reach stderr needs devices to log about: this host has none
    /// (nothing is logged here), so CommandFlagsDeviceTests checks it in
    /// the lab, for `list --json` and `plan`.
    func testTraceLoggingLeavesTheJSONAsItIs() throws {
        let traced = try runFramepipe(["list", "--json", "--log-level", "trace"])
        XCTAssertEqual(traced.status, 0, traced.stderr)
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(traced.stdout.utf8)), traced.stdout)
        let quiet = try runFramepipe(["list", "--json"], environment: ["FRAMEPIPE_LOG_LEVEL": ""])
        XCTAssertEqual(quiet.status, 0, quiet.stderr)
        XCTAssertEqual(quiet.stderr, "", "the default shows only warnings")
        XCTAssertEqual(traced.stdout, quiet.stdout, "the same document, logs or not")
    }
}
