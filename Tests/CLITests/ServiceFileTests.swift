import Foundation
import Reporting
import TestSupport
import XCTest

@testable import framepipe

/// packaging/framepipe.service: systemd accepts it, its command lines are
/// framepipe's own flags, and its restart rules name framepipe's exit codes.
/// (The lab's ServiceDeviceTests run what it runs: --check-config, and
/// SIGTERM restoring the display.)
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

    func testItsCommandLinesAreFramepipesFlags() throws {
        let pre = try XCTUnwrap(try values("ExecStartPre").first).split(separator: " ").map(String.init)
        let start = try XCTUnwrap(try values("ExecStart").first).split(separator: " ").map(String.init)
        XCTAssertEqual(pre.first, "/usr/local/bin/framepipe")
        XCTAssertEqual(start.first, "/usr/local/bin/framepipe")
        XCTAssertEqual(pre.dropFirst().first, "preview")
        XCTAssertEqual(start.dropFirst().first, "preview")
        let check = try Preview.parse(Array(pre.dropFirst(2)))
        XCTAssertEqual(check.checkConfig, "/etc/framepipe/pipeline.json")
        let run = try Preview.parse(Array(start.dropFirst(2)))
        XCTAssertEqual(run.pipelineOptions.config, "/etc/framepipe/pipeline.json", "the file the check checked")
        XCTAssertTrue(run.reconnect, "a camera unplugged and back does not end the service")
        XCTAssertEqual(try values("Environment"), ["FRAMEPIPE_LOG_LEVEL=notice"])
        XCTAssertEqual(LoggingOptions.environmentVariable, "FRAMEPIPE_LOG_LEVEL")
    }

    func testTheRestartRulesNameFramepipesExitCodes() throws {
        let prevented = try values("RestartPreventExitStatus").flatMap { $0.split(separator: " ").map { Int32($0) } }
        XCTAssertEqual(prevented, [ExitStatus.usage, .dataError, .noPermission].map(\.rawValue),
                       "a bad flag, a bad file or a node the user may not open waits for an operator")
        let success = try values("SuccessExitStatus").flatMap { $0.split(separator: " ").map { Int32($0) } }
        XCTAssertEqual(success, [ExitStatus.terminated.rawValue], "systemctl stop's SIGTERM ends with 143 after a clean teardown")
        XCTAssertEqual(try values("Restart"), ["on-failure"])
        XCTAssertEqual(try values("KillSignal"), ["SIGTERM"])
        XCTAssertEqual(try values("SupplementaryGroups"), ["video render"])
    }
}
