import Foundation
import Reporting
import TestSupport
import XCTest

@testable import framepipe

/// packaging/framepipe.service: systemd accepts it, its command lines are
/// framepipe's own flags, and its restart rules name framepipe's exit codes.
/// (The lab's ServiceUnitDeviceTests run it under systemd; ServiceDeviceTests
/// run --check-config and SIGTERM restoring the display without it.)
final class ServiceFileTests: XCTestCase {
    private var root: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }
    private var unitText: String { get throws { try String(contentsOf: root.appendingPathComponent("packaging/framepipe.service"), encoding: .utf8) } }

    /// The values of `key=` lines in the unit.
    private func values(_ key: String) throws -> [String] {
        try unitText.split(separator: "\n").compactMap { line in
            line.hasPrefix(key + "=") ? String(line.dropFirst(key.count + 1)) : nil
        }
    }

    func testSystemdVerifiesTheUnitWithoutAWarning() throws {
        let analyze = "/usr/bin/systemd-analyze"
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: analyze), "systemd-analyze (Debian's systemd) is needed; scripts/deps installs it")
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("unit-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // systemd checks that the commands exist: point them at the build.
        let unit = folder.appendingPathComponent("framepipe.service")
        try Data(try unitText.replacingOccurrences(of: "/usr/local/bin/framepipe", with: Lab.framepipeExecutable.path).utf8).write(to: unit)
        let result = try spawnAndWait(analyze, arguments: ["verify", "--man=no", unit.path], environment: ProcessInfo.processInfo.environment)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stderr + result.stdout, "", "no warning (an unknown key or a bad value is only a warning)")
    }

    func testItsCommandLineIsFramepipesFlags() throws {
        XCTAssertEqual(try values("ExecStartPre"), [], "systemd retries a refused ExecStartPre whatever RestartPreventExitStatus says: the run checks the file itself")
        let start = try XCTUnwrap(try values("ExecStart").first).split(separator: " ").map(String.init)
        XCTAssertEqual(start.first, "/usr/local/bin/framepipe")
        XCTAssertEqual(start.dropFirst().first, "preview")
        let run = try Preview.parse(Array(start.dropFirst(2)))
        XCTAssertEqual(run.pipelineOptions.config, "/etc/framepipe/pipeline.json")
        XCTAssertTrue(run.reconnect, "a camera unplugged and back does not end the service")
        XCTAssertTrue(run.explain, "the plan and the paths refused, in the journal at start")
        XCTAssertEqual(try values("Environment"), ["FRAMEPIPE_LOG_LEVEL=notice"])
        XCTAssertEqual(LoggingOptions.environmentVariable, "FRAMEPIPE_LOG_LEVEL")
    }

    func testTheRestartRulesNameFramepipesExitCodes() throws {
        let prevented = try values("RestartPreventExitStatus").flatMap { $0.split(separator: " ").map { Int32($0) } }
        // 216 is systemd's own (EXIT_GROUP): a group the unit names that the system lacks.
        XCTAssertEqual(prevented, [ExitStatus.usage, .dataError, .noPermission].map(\.rawValue) + [216],
                       "a bad flag, a bad file, a node the user may not open or a missing group waits for an operator")
        let success = try values("SuccessExitStatus").flatMap { $0.split(separator: " ").map { Int32($0) } }
        XCTAssertEqual(success, [ExitStatus.terminated.rawValue], "systemctl stop's SIGTERM ends with 143 after a clean teardown")
        XCTAssertEqual(try values("Restart"), ["on-failure"])
        XCTAssertEqual(try values("KillSignal"), ["SIGTERM"])
        XCTAssertEqual(try values("SupplementaryGroups"), ["video"], "the camera and card nodes' group; framepipe opens no render node")
    }

    func testEveryGroupTheUnitNamesExistsHere() throws {
        // A group the system lacks fails every start (216/GROUP): Debian's
        // base system has video; render exists only where udev made it.
        for group in try values("SupplementaryGroups").flatMap({ $0.split(separator: " ") }) {
            XCTAssertNotNil(getgrnam(String(group)), "group \(group) on this Debian system")
        }
    }
}
