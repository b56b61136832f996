import Foundation
import XCTest

/// Device tests need the lab (scripts/lab), which sets FRAMEPIPE_LAB=1.
/// Outside the lab they skip; inside it a missing device is a failure, never
/// a skip, so that a lab run proves the tests really ran.
public enum Lab {
    public static var isInside: Bool {
        ProcessInfo.processInfo.environment["FRAMEPIPE_LAB"] == "1"
    }

    /// Call first in every device test. Skips outside the lab.
    public static func require(file: StaticString = #filePath, line: UInt = #line) throws {
        if !isInside {
            throw XCTSkip("device test: runs only inside the lab (scripts/lab sets FRAMEPIPE_LAB=1)", file: file, line: line)
        }
    }

    /// The lab boot a test class needs other than the default one, by the
    /// name scripts/test gives it (`FRAMEPIPE_LAB_BOOT`, set with
    /// `scripts/lab --env`). Skips outside the lab; inside it, in another
    /// boot, throws: the test's hardware is not there, and that must not
    /// pass for a skip.
    public static func require(boot name: String, _ hardware: String, file: StaticString = #filePath, line: UInt = #line) throws {
        try require(file: file, line: line)
        let boot = ProcessInfo.processInfo.environment["FRAMEPIPE_LAB_BOOT"] ?? "default"
        guard boot == name else {
            throw LabBootMismatch(description: "this test needs the lab boot '\(name)' (\(hardware)); this is '\(boot)': run it as scripts/test does")
        }
    }

    /// The vivid instances this boot loaded, from `LAB_VIVID_OPTIONS`
    /// (`n_devs=N multiplanar=a,b,...`, as scripts/lab exports them): for
    /// each, whether its capture node is multiplanar (vivid's default: one
    /// single-planar instance).
    public static var vividMultiplanar: [Bool] {
        var count = 1, planar: [Int] = []
        for word in (ProcessInfo.processInfo.environment["LAB_VIVID_OPTIONS"] ?? "").split(separator: " ") {
            let parts = word.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            if parts[0] == "n_devs" { count = Int(parts[1]) ?? 1 }
            if parts[0] == "multiplanar" { planar = parts[1].split(separator: ",").compactMap { Int($0) } }
        }
        return (0..<count).map { $0 < planar.count && planar[$0] == 2 }
    }

    /// The path of the `framepipe` executable built beside the test bundle.
    public static var framepipeExecutable: URL {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = bundle.deletingLastPathComponent()
        // `swift test` may run the bundle from inside xctest's folder layout.
        while !FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("framepipe").path),
              directory.path != "/" {
            directory = directory.deletingLastPathComponent()
        }
        return directory.appendingPathComponent("framepipe")
    }
}

extension Lab {
    /// The KMS framebuffers the kernel holds for card 0, from debugfs
    /// (`/sys/kernel/debug/dri/0/framebuffer`, one "framebuffer[ID]:"
    /// block each). The lab mounts debugfs: an unreadable file throws, so
    /// that a "nothing left behind" check can never compare two nothings.
    /// The kernel removes a file's framebuffers when the file closes: to see
    /// one left behind, compare while the card is still open.
    public static func kernelFramebufferIDs() throws -> [Int] {
        let path = "/sys/kernel/debug/dri/0/framebuffer"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw DebugfsUnreadable(description: "\(path) is unreadable: the lab mounts debugfs; is it missing?")
        }
        return text.split(separator: "\n").compactMap { line -> Int? in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("framebuffer["), let close = trimmed.firstIndex(of: "]") else { return nil }
            return Int(trimmed[trimmed.index(trimmed.startIndex, offsetBy: 12)..<close])
        }
    }
}

/// debugfs could not be read in the lab.
public struct DebugfsUnreadable: Error, CustomStringConvertible {
    public let description: String
}

/// The result of running the `framepipe` executable.
public struct CommandResult: Sendable {
    /// The exit status; 128 + N for a program killed by signal N, as a
    /// shell reports it.
    public let status: Int32
    public let stdout: String
    public let stderr: String
    /// The signal that killed the program; nil when it exited (even with
    /// status 130 after a clean stop on SIGINT).
    public let terminatingSignal: Int32?
}

/// Runs the built `framepipe` with `arguments`, waiting for it to exit.
///
/// Uses posix_spawn and poll rather than Foundation's Process: inside the
/// lab guest, Process's run-loop wake-up sometimes fails ("Could not create
/// wakeup socket pair for CFSocket") and `waitUntilExit` then never returns.
public func runFramepipe(_ arguments: [String], environment: [String: String] = [:]) throws -> CommandResult {
    var env = ProcessInfo.processInfo.environment
    env.merge(environment) { $1 }
    return try spawnAndWait(Lab.framepipeExecutable.path, arguments: arguments, environment: env)
}

public struct SpawnError: Error, CustomStringConvertible {
    public let description: String
}

/// Starts `path` with `arguments`, collects its stdout and stderr, and waits.
public func spawnAndWait(_ path: String, arguments: [String], environment: [String: String]) throws -> CommandResult {
    var outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
    guard pipe(&outPipe) == 0, pipe(&errPipe) == 0 else { throw SpawnError(description: "pipe failed: \(errno)") }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
    posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
    for fd in outPipe + errPipe { posix_spawn_file_actions_addclose(&actions, fd) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)

    let argv = ([path] + arguments).map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { (argv + envp).forEach { free($0) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, path, &actions, nil, argv, envp)
    close(outPipe[1])
    close(errPipe[1])
    guard spawned == 0 else {
        close(outPipe[0]); close(errPipe[0])
        throw SpawnError(description: "posix_spawn \(path) failed: \(spawned)")
    }
    return collectAndWait(pid: pid, stdout: outPipe[0], stderr: errPipe[0])
}

/// Reads a child's stdout and stderr pipes to their ends (both at once, so
/// neither can fill up and block the child), closes them, and waits for the
/// child. A child killed by signal N reports 128 + N, as a shell does.
/// `onOutput` sees each piece as it is read (true: stdout), while the child runs.
public func collectAndWait(
    pid: pid_t, stdout outFD: Int32, stderr errFD: Int32, onOutput: ((Bool, ArraySlice<UInt8>) -> Void)? = nil
) -> CommandResult {
    var out = [UInt8](), err = [UInt8]()
    var open: [Int32: Bool] = [outFD: true, errFD: true]
    var buffer = [UInt8](repeating: 0, count: 65536)
    while open.values.contains(true) {
        var fds = open.filter(\.value).map { pollfd(fd: $0.key, events: Int16(POLLIN), revents: 0) }
        if poll(&fds, nfds_t(fds.count), -1) < 0 {
            if errno == EINTR { continue }
            break
        }
        for entry in fds where entry.revents != 0 {
            let count = read(entry.fd, &buffer, buffer.count)
            if count > 0 {
                if entry.fd == outFD { out += buffer[0..<count] } else { err += buffer[0..<count] }
                onOutput?(entry.fd == outFD, buffer[0..<count])
            } else if count == 0 || errno != EINTR {
                open[entry.fd] = false
            }
        }
    }
    close(outFD)
    close(errFD)
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    // WIFEXITED / WEXITSTATUS are macros.
    let signal = status & 0x7f
    return CommandResult(
        status: signal == 0 ? (status >> 8) & 0xff : 128 + signal,
        stdout: String(decoding: out, as: UTF8.self),
        stderr: String(decoding: err, as: UTF8.self),
        terminatingSignal: signal == 0 ? nil : signal)
}

/// A device test started in a lab boot without its hardware.
public struct LabBootMismatch: Error, CustomStringConvertible {
    public let description: String
}
