import Foundation
import Platform
import TestSupport
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// packaging/framepipe.service installed under a running systemd (the lab's
/// `service` boot, systemd as PID 1), as the README tells a board's user
/// to install it, with two paths changed: the binary is the build's (copied
/// to /run/framepipe-lab/bin, as /usr/local/bin is read-only in the lab),
/// and the pipeline file is /run/framepipe-lab/pipeline.json instead of
/// /etc/framepipe/pipeline.json. Everything else is the file as shipped.
///
/// Each test installs it under a name of its own (`framepipe-NAME.service`),
/// so that what a test reads from the journal is its own unit's, whatever
/// the one before it wrote late. The camera and card nodes are made 0660
/// root:video while it is installed, as Debian's udev rules make them (the
/// lab's root has no udev), so that the group the unit names is what lets
/// it open them.
struct ServiceUnit {
    static let folder = "/run/framepipe-lab"
    static let configPath = folder + "/pipeline.json"
    /// The unit's name, `framepipe-NAME.service`.
    let name: String
    private var unitPath: String { "/run/systemd/system/" + name }
    /// Each node's mode and group before the test.
    private let savedNodes: [(path: String, mode: mode_t, group: gid_t)]

    /// The journal's position when the unit was installed: what the unit
    /// logged is read from there on.
    private let cursor: String?

    /// Writes `config` as the pipeline file and the unit as
    /// `framepipe-NAME.service`, and reloads systemd.
    init(name suffix: String, config: String) throws {
        name = "framepipe-\(suffix).service"
        let video = try XCTUnwrap(getgrnam("video"), "group video").pointee.gr_gid
        var saved: [(path: String, mode: mode_t, group: gid_t)] = []
        for path in numberedDeviceNodes(in: "/dev", prefix: "video") + numberedDeviceNodes(in: "/dev/dri", prefix: "card") {
            var info = stat()
            guard stat(path, &info) == 0 else { continue }
            saved.append((path, info.st_mode & 0o7777, info.st_gid))
            guard chown(path, 0, video) == 0, chmod(path, 0o660) == 0 else {
                throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
            }
        }
        savedNodes = saved
        let root = repositoryRoot
        let shipped = try String(contentsOf: root.appendingPathComponent("packaging/framepipe.service"), encoding: .utf8)
        try FileManager.default.createDirectory(atPath: Self.folder + "/bin", withIntermediateDirectories: true)
        let binary = Self.folder + "/bin/framepipe"
        if FileManager.default.fileExists(atPath: binary) { try FileManager.default.removeItem(atPath: binary) }
        try FileManager.default.copyItem(atPath: Lab.framepipeExecutable.path, toPath: binary)
        try Self.write(config, to: Self.configPath)
        let unit = shipped
            .replacingOccurrences(of: "/usr/local/bin/framepipe", with: binary)
            .replacingOccurrences(of: "/etc/framepipe/pipeline.json", with: Self.configPath)
        try Self.write(unit, to: "/run/systemd/system/" + name)
        try Self.systemctl(["daemon-reload"])
        let last = try spawnAndWait("/bin/journalctl", arguments: ["-n", "1", "--show-cursor", "-o", "cat", "--no-pager"], environment: [:])
        cursor = last.stdout.split(separator: "\n").last { $0.hasPrefix("-- cursor: ") }.map { String($0.dropFirst("-- cursor: ".count)) }
    }

    /// Replaces the pipeline file (the unit reads it at its next start).
    func setConfig(_ config: String) throws {
        try Self.write(config, to: Self.configPath)
    }

    private static func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        guard chmod(path, 0o644) == 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path]) }
    }

    /// `systemctl VERB` the unit; fails the test unless it exits 0.
    func run(_ verb: String, file: StaticString = #filePath, line: UInt = #line) throws {
        try Self.systemctl([verb, name], file: file, line: line)
    }

    @discardableResult
    private static func systemctl(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> CommandResult {
        let result = try spawnAndWait("/bin/systemctl", arguments: arguments, environment: [:])
        XCTAssertEqual(result.status, 0, "systemctl \(arguments.joined(separator: " ")): \(result.stderr)", file: file, line: line)
        return result
    }

    /// The unit's properties (`systemctl show -p`), by name.
    func properties(_ names: [String]) throws -> [String: String] {
        let result = try spawnAndWait("/bin/systemctl", arguments: ["show", name] + names.flatMap { ["-p", $0] }, environment: [:])
        var values: [String: String] = [:]
        for line in result.stdout.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return values
    }

    /// The state systemd reports: "active running", "activating
    /// auto-restart", "failed failed", "inactive dead".
    func state() throws -> String {
        let values = try properties(["ActiveState", "SubState"])
        return "\(values["ActiveState"] ?? "?") \(values["SubState"] ?? "?")"
    }

    /// What the journal holds for the unit since it was installed, message
    /// text only (framepipe's lines and systemd's about the unit); with
    /// `priority` (syslog's: 3 err, 4 warning), only lines at that priority
    /// or more urgent. (journalctl's own `-p` finds nothing in systemd 252
    /// when `--after-cursor` is given as well: the priority is read here.)
    func journal(priority: Int? = nil) throws -> String {
        var arguments = ["-u", name, "-o", "json", "--all", "--output-fields=MESSAGE,PRIORITY", "--no-pager"]
        if let cursor { arguments += ["--after-cursor", cursor] }
        let result = try spawnAndWait("/bin/journalctl", arguments: arguments, environment: [:])
        var lines: [String] = []
        for entry in result.stdout.split(separator: "\n") {
            // A message journald could not store as text (not UTF-8) comes
            // as an array of bytes: unread, it could hide a warning.
            guard let object = try JSONSerialization.jsonObject(with: Data(entry.utf8)) as? [String: Any],
                  let message = object["MESSAGE"] as? String else {
                throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "a journal entry without a text MESSAGE: \(entry)"])
            }
            if let priority, Int(object["PRIORITY"] as? String ?? "") ?? 7 > priority { continue }
            lines.append(message + "\n")
        }
        return lines.joined()
    }

    /// The journal for a failure message (which cannot throw).
    var log: String { log() }

    /// The journal at `priority` for a failure message, quoted line by line.
    func log(priority: Int? = nil) -> String {
        ((try? journal(priority: priority)) ?? "(journalctl failed)").split(separator: "\n", omittingEmptySubsequences: false).map { "| \($0)" }.joined(separator: "\n")
    }

    /// The user, its own group and the supplementary groups of the unit's
    /// main process.
    func mainProcessCredentials() throws -> (uid: Int, gid: Int, groups: [Int]) {
        let pid = try properties(["MainPID"])["MainPID"] ?? "0"
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        func field(_ name: String) -> [Int] {
            status.split(separator: "\n").first { $0.hasPrefix(name + ":") }.map {
                $0.dropFirst(name.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { Int($0) }
            } ?? []
        }
        return (field("Uid").first ?? 0, field("Gid").first ?? 0, field("Groups"))
    }

    /// Stops the unit if it runs and forgets a failure, so that the next
    /// test starts from nothing.
    func remove() {
        _ = try? spawnAndWait("/bin/systemctl", arguments: ["stop", name], environment: [:])
        _ = try? spawnAndWait("/bin/systemctl", arguments: ["reset-failed", name], environment: [:])
        try? FileManager.default.removeItem(atPath: unitPath)
        _ = try? spawnAndWait("/bin/systemctl", arguments: ["daemon-reload"], environment: [:])
        for node in savedNodes {
            XCTAssertEqual(chown(node.path, 0, node.group), 0, node.path)
            XCTAssertEqual(chmod(node.path, node.mode), 0, node.path)
        }
    }
}
