import Foundation
import TestSupport
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// packaging/framepipe.service run by systemd (the lab's `service` boot:
/// systemd 252 as PID 1, the journal; the nodes 0660 root:video as
/// Debian's udev makes them): `systemctl start` shows frames as an
/// unprivileged user whose only group beside its own is video, its plan is in the journal
/// while it runs, `systemctl stop` restores the display and counts as
/// success; a camera that fails (74) or is missing (66) is restarted, a bad
/// file (65) stops the unit with the CLI's own line and no restart.
final class ServiceUnitDeviceTests: XCTestCase {
    private var unit: ServiceUnit?

    override func tearDown() {
        if let journal = try? unit?.journal() {
            XCTAssertFalse(journal.contains("Program crashed") || journal.contains("Fatal error"), "a crash in the service:\n\(journal)")
        }
        unit?.remove()
        unit = nil
        super.tearDown()
    }

    /// configs/vivid-vkms.json without its frame limit, as a service runs
    /// (until stopped), with `change` applied to the decoded object.
    private func pipelineFile(_ change: (inout [String: Any]) -> Void = { _ in }) throws -> String {
        let data = try Data(contentsOf: repositoryRoot.appendingPathComponent("configs/vivid-vkms.json"))
        var object = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        object["frames"] = nil
        change(&object)
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    private func install(_ name: String, _ config: String) throws -> ServiceUnit {
        try Lab.require(boot: "service", "systemd as PID 1 (scripts/lab --init systemd)")
        let installed = try ServiceUnit(name: name, config: config)
        unit = installed
        return installed
    }

    /// Waits for the unit's state; the last state seen when it never came.
    private func waitForState(_ unit: ServiceUnit, _ expected: Set<String>, timeout: Double = 60) throws -> String {
        var seen = ""
        _ = try waitUntil(timeout: timeout) {
            seen = try unit.state()
            return expected.contains(seen)
        }
        return seen
    }

    func testStartShowsFramesAsAnUnprivilegedUserAndStopRestoresTheDisplay() throws {
        let unit = try install("start", try pipelineFile())
        let screenBefore = try ScreenState.current()
        try unit.run("start")
        XCTAssertTrue(try waitUntilFlipping(besides: screenBefore), "the service's frames flip on screen; journal:\n\(unit.log)")
        XCTAssertEqual(try unit.state(), "active running")
        let credentials = try unit.mainProcessCredentials()
        XCTAssertNotEqual(credentials.uid, 0, "DynamicUser: not root")
        let video = try XCTUnwrap(getgrnam("video"), "group video").pointee.gr_gid
        XCTAssertEqual(credentials.groups.filter { $0 != credentials.gid }, [Int(video)], "SupplementaryGroups=video, and only that")
        // --explain's lines are in the journal while the run goes on:
        // standard output is line-buffered (a socket, as a pipe, would
        // otherwise hold them in stdio's buffer until exit).
        XCTAssertTrue(try waitUntil(timeout: 30) { try unit.journal().contains("/dev/video0 → /dev/dri/card0, candidates in the order tried:\n1. ") },
                      "the plan's explanation, while running:\n\(unit.log)")
        XCTAssertFalse(try unit.journal().contains("frames shown in"), "no summary before the stop")

        try unit.run("stop")
        let after = try unit.properties(["ActiveState", "Result", "NRestarts"])
        XCTAssertEqual(after["ActiveState"], "inactive")
        // (systemd 252 reports ExecMainStatus 0 once the unit is stopped;
        // ServiceDeviceTests checks the exit status 143 itself.)
        XCTAssertEqual(after["Result"], "success", "exit 143 after SIGTERM is SuccessExitStatus")
        XCTAssertEqual(after["NRestarts"], "0")
        XCTAssertTrue(try waitUntil(timeout: 30) { try unit.journal().contains("\nstopped: SIGTERM; ") }, unit.log)
        XCTAssertFalse(unit.log.contains("Failed with result"), unit.log)
        XCTAssertEqual(try unit.journal(priority: 4), "", "nothing at warning or above for a start and a stop")
        XCTAssertEqual(try ScreenState.current(), screenBefore, "the display as it was found")
    }

    func testACameraThatFailsIsRestartedAndShowsFramesAgain() throws {
        let unit = try install("fault", try pipelineFile())
        let screenBefore = try ScreenState.current()
        try unit.run("start")
        XCTAssertTrue(try waitUntilFlipping(besides: screenBefore), "the service's frames flip on screen")
        try FaultInjector("/dev/video0").press("inject_fatal_streaming_error")
        // Exit 74, then RestartSec (5 s) later a new run.
        XCTAssertTrue(try waitUntil(timeout: 60) { try unit.properties(["NRestarts"])["NRestarts"] == "1" },
                      "restarted once; journal:\n\(unit.log)")
        XCTAssertEqual(try waitForState(unit, ["active running"]), "active running")
        XCTAssertTrue(try waitUntilFlipping(besides: screenBefore), "frames again after the restart")
        let line = "framepipe: /dev/video0: the camera stopped streaming with a fatal error (VIDIOC_DQBUF failed: EIO); restart it and start again\n"
        XCTAssertTrue(try waitUntil(timeout: 30) { try unit.journal(priority: 3).replacingOccurrences(of: "VIDIOC_QBUF", with: "VIDIOC_DQBUF") == line },
                      "framepipe's one line, alone at priority err:\n\(unit.log(priority: 3))")
        XCTAssertTrue(try unit.journal().contains("Main process exited, code=exited, status=74/"), unit.log)
        try unit.run("stop")
        XCTAssertEqual(try unit.properties(["Result"])["Result"], "success")
        XCTAssertEqual(try ScreenState.current(), screenBefore, "the display as it was found")
    }

    func testABadFileFailsTheUnitWithTheCommandLinesLineAndNoRestart() throws {
        let config = try pipelineFile { $0["sink"] = ["card": "/dev/dri/card0", "plane": "auto", "rotation": 90] }
        let unit = try install("badfile", config)
        // What framepipe says about this file on a terminal.
        let direct = try runFramepipe(["preview", "--config", ServiceUnit.configPath])
        XCTAssertEqual(direct.status, 65, direct.stderr)
        XCTAssertTrue(direct.stderr.hasPrefix("framepipe: \(ServiceUnit.configPath): "), direct.stderr)
        let screenBefore = try ScreenState.current()
        try unit.run("start")
        // A unit that will restart waits in "activating auto-restart"; one
        // that will not is "failed" at once.
        XCTAssertEqual(try waitForState(unit, ["failed failed"]), "failed failed", unit.log)
        let after = try unit.properties(["Result", "ExecMainStatus", "NRestarts"])
        XCTAssertEqual(after["Result"], "exit-code")
        XCTAssertEqual(after["ExecMainStatus"], "65", "RestartPreventExitStatus holds 65")
        XCTAssertEqual(after["NRestarts"], "0")
        // The journal reads the service's stream on its own time: wait for the line.
        XCTAssertTrue(try waitUntil(timeout: 30) { try unit.journal(priority: 3) == direct.stderr },
                      "the CLI's one line, alone at priority err:\n\(unit.log(priority: 3))")
        XCTAssertEqual(try ScreenState.current(), screenBefore)
    }

    func testAMissingCameraIsRetriedUntilItIsThere() throws {
        let unit = try install("missing", try pipelineFile { object in
            var source = object["source"] as? [String: Any] ?? [:]
            source["device"] = "/dev/video63"
            object["source"] = source
        })
        let direct = try runFramepipe(["preview", "--config", ServiceUnit.configPath])
        XCTAssertEqual(direct.status, 66, direct.stderr)
        let screenBefore = try ScreenState.current()
        try unit.run("start")
        XCTAssertTrue(try waitUntil(timeout: 60) { try unit.properties(["NRestarts"])["NRestarts"].flatMap { Int($0) } ?? 0 >= 1 },
                      "restarted; journal:\n\(unit.log)")
        XCTAssertTrue(try unit.journal().contains("Main process exited, code=exited, status=66/"), unit.log)
        XCTAssertTrue(try waitUntil(timeout: 30) { try unit.journal(priority: 3).hasPrefix(direct.stderr) },
                      "the CLI's line at priority err, once per try:\n\(unit.log)")
        // The file put right, the next retry shows frames: no operator needed.
        try unit.setConfig(try pipelineFile())
        XCTAssertEqual(try waitForState(unit, ["active running"]), "active running")
        XCTAssertTrue(try waitUntilFlipping(besides: screenBefore), "frames once the camera is the one there")
        try unit.run("stop")
        XCTAssertEqual(try ScreenState.current(), screenBefore)
    }
}
