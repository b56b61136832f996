import Foundation
import Platform
import TestSupport
import V4L2
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// `framepipe list` run by a user who may not open the nodes (lab boot
/// 'media', run as nobody with setpriv): which nodes, their mode and
/// group, and exit 77 when nothing could be opened. The nodes are made
/// 0660 root:video for the test and put back after.
final class PermissionDeviceTests: XCTestCase {
    private static let video: gid_t = 44

    private func nodes() -> [String] {
        VideoDevice.nodePaths(kernel: SystemKernel.shared) + numberedDeviceNodes(in: "/dev/dri", prefix: "card")
    }

    /// Runs `body` with every camera and card node 0660 root:video, then
    /// puts each node's mode and group back.
    private func withNodesForGroupVideo(_ body: ([String]) throws -> Void) throws {
        var saved: [(String, mode_t, gid_t)] = []
        for path in nodes() {
            var info = stat()
            XCTAssertEqual(stat(path, &info), 0, path)
            saved.append((path, info.st_mode & 0o7777, info.st_gid))
        }
        defer {
            for (path, mode, group) in saved {
                XCTAssertEqual(chown(path, 0, group), 0, path)
                XCTAssertEqual(chmod(path, mode), 0, path)
            }
        }
        for (path, _, _) in saved {
            XCTAssertEqual(chown(path, 0, Self.video), 0, path)
            XCTAssertEqual(chmod(path, 0o660), 0, path)
        }
        try body(saved.map(\.0))
    }

    private func listAsNobody(groups: String?, _ arguments: [String] = []) throws -> CommandResult {
        try asNobody(groups: groups, ["list"] + arguments)
    }

    private func asNobody(groups: String?, _ arguments: [String]) throws -> CommandResult {
        let identity = ["--reuid=65534", "--regid=65534"] + (groups.map { ["--groups=\($0)"] } ?? ["--clear-groups"])
        return try spawnAndWait("/usr/bin/setpriv", arguments: identity + [Lab.framepipeExecutable.path] + arguments,
                                environment: ProcessInfo.processInfo.environment)
    }

    /// What a service's user meets: `--check-config` names the node, its
    /// mode and group before anything is opened (exit 77), and a run that
    /// is refused says the same after its open failed.
    func testCheckConfigAndPreviewNameTheGroupANodeNeeds() throws {
        try Lab.require(boot: "media", "vimc and vivid, nodes made 0660 root:video")
        // The file copied where nobody may read it, whatever the folder the
        // checkout is in (a clone in `mktemp -d` is 0700).
        let config = try copyOfExampleConfig(folderMode: 0o755).path
        let why = "mode 0660, root:video; user nobody is not in group video"
        try withNodesForGroupVideo { _ in
            let check = try asNobody(groups: nil, ["preview", "--check-config", config])
            XCTAssertEqual(check.status, 77, check.stderr)
            XCTAssertEqual(check.stderr, "framepipe: camera /dev/video0 is not readable and writable (EACCES); \(why)\n")
            XCTAssertEqual(check.stdout, "")
            let member = try asNobody(groups: "\(Self.video)", ["preview", "--check-config", config])
            XCTAssertEqual(member.status, 0, member.stderr)
            XCTAssertEqual(member.stdout, "\(config): valid; camera /dev/video0, display /dev/dri/card0 (readable and writable by nobody; not opened)\n")
            let run = try asNobody(groups: nil, ["preview", "--config", config, "--frames", "5"])
            XCTAssertEqual(run.status, 77, run.stderr)
            XCTAssertEqual(run.stderr.filter { $0 == "\n" }.count, 1, run.stderr)
            XCTAssertTrue(run.stderr.hasSuffix(": open failed: Permission denied (EACCES); \(why)\n"), run.stderr)
            // In group video alone (no root, no capability) the run works:
            // the first opener of a card with no master becomes its master.
            let shown = try asNobody(groups: "\(Self.video)", ["preview", "--config", config, "--frames", "5"])
            XCTAssertEqual(shown.status, 0, shown.stderr)
            XCTAssertTrue(shown.stdout.contains("\n5 frames shown in "), shown.stdout)
        }
    }

    /// A pipeline file in a folder the user may not enter is refused as
    /// unreadable (77, the kernel's reason), not as missing (66).
    func testAFileTheUserMayNotReachIsUnreadableNotMissing() throws {
        try Lab.require(boot: "media", "run as nobody")
        let config = try copyOfExampleConfig(folderMode: 0o700).path
        for arguments in [["preview", "--check-config", config], ["preview", "--config", config, "--frames", "5"]] {
            let result = try asNobody(groups: "\(Self.video)", arguments)
            XCTAssertEqual(result.status, 77, arguments.joined(separator: " "))
            XCTAssertEqual(result.stderr, "framepipe: \(config): cannot be read: Permission denied (EACCES)\n")
            XCTAssertEqual(result.stdout, "")
        }
    }

    /// configs/vivid-vkms.json copied (0644) into a new folder of `folderMode`
    /// under the guest's /tmp; removed when the test ends.
    private func copyOfExampleConfig(folderMode: mode_t) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("permission-\(getpid())-\(folderMode)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let copy = folder.appendingPathComponent("vivid-vkms.json")
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("configs/vivid-vkms.json"), to: copy)
        XCTAssertEqual(chmod(copy.path, 0o644), 0)
        XCTAssertEqual(chmod(folder.path, folderMode), 0)
        return copy
    }

    func testAUserWhoMayOpenNothingIsToldWhichNodesAndGroupsAndExits77() throws {
        try Lab.require(boot: "media", "vimc and vivid, nodes made 0660 root:video")
        try withNodesForGroupVideo { nodes in
            XCTAssertGreaterThan(nodes.count, 2)
            let result = try listAsNobody(groups: nil)
            XCTAssertEqual(result.status, 77, result.stderr)
            XCTAssertEqual(result.stdout, "", "no 'No V4L2 devices.' when there are devices")
            let lines = result.stderr.split(separator: "\n").map(String.init)
            XCTAssertEqual(lines.count, nodes.count + 1, result.stderr)
            for (line, path) in zip(lines, nodes) {
                XCTAssertEqual(line, "framepipe: \(path): open failed: Permission denied (EACCES); mode 0660, root:video; user nobody is not in group video")
            }
            XCTAssertEqual(lines.last, "framepipe: no device could be opened: \(nodes.count) nodes refused permission (\(nodes.joined(separator: ", "))); "
                + "add the user to group video (usermod -aG video USER) and log in again")
            // In the group, the same user sees them all.
            let member = try listAsNobody(groups: "\(Self.video)", ["--brief"])
            XCTAssertEqual(member.status, 0, member.stderr)
            XCTAssertTrue(member.stdout.contains("camera /dev/video0 vivid"), member.stdout)
            XCTAssertTrue(member.stdout.contains("plane /dev/dri/card0 "), member.stdout)
        }
    }
}
