import Dispatch
import Foundation
import KMS
import Pipeline
import Platform
import TestSupport
import V4L2
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// What the fault and leak tests compare before and after a run.
enum ProcessResources {
    /// Open descriptors of this process.
    static func descriptorCount() throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
    }

    /// The open descriptors once they are back to `expected`, or after
    /// a generous 2 s (read every 10 ms) what they are then. Every
    /// descriptor of a run is closed by the time `wait()` returns but for
    /// a rare one released a moment later by another thread (LeakDeviceTests
    /// once saw 12 for 11 at cycle 103 of 200, the extra one already gone
    /// when listed): a leak stays, and still fails.
    static func descriptorCount(settlingAt expected: Int) throws -> Int {
        var count = try descriptorCount()
        for _ in 0..<200 where count != expected {
            usleep(10_000)
            count = try descriptorCount()
        }
        return count
    }

    /// What each open descriptor refers to (for failure messages).
    static func descriptorTargets() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return names.sorted { (Int($0) ?? 0) < (Int($1) ?? 0) }.map { name in
            let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(name)")) ?? "?"
            return "\(name) -> \(target)"
        }
    }

    /// Lines of /proc/self/maps: one per mapping.
    static func mappingCount() throws -> Int {
        try String(contentsOfFile: "/proc/self/maps", encoding: .utf8).split(separator: "\n").count
    }

    /// Mappings of frame memory (dma-bufs, V4L2 or DRM nodes): the pipeline never has any.
    static func frameMappings() throws -> [String] {
        try String(contentsOfFile: "/proc/self/maps", encoding: .utf8)
            .split(separator: "\n")
            .filter { $0.contains("dmabuf") || $0.contains("/dev/video") || $0.contains("/dev/dri") }
            .map(String.init)
    }

    /// Resident set size in KiB (VmRSS of /proc/self/status).
    static func residentKilobytes() throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            if let value = line.split(separator: " ").dropFirst().first(where: { Int($0) != nil }).flatMap({ Int($0) }) {
                return value
            }
        }
        throw XCTSkip("no VmRSS in /proc/self/status")
    }

    /// The KMS framebuffers the kernel holds for card 0 (``Lab/kernelFramebufferIDs()``).
    static func kernelFramebufferIDs() throws -> [Int] {
        try Lab.kernelFramebufferIDs()
    }
}

/// Whether a framebuffer that a process called `command` added is on a
/// plane of card 0, from debugfs (`/sys/kernel/debug/dri/0/state`). Reading
/// debugfs does not open the card: a test that opened it while a child
/// starts could be the DRM master at the moment the child asks for it.
/// ("allocated by" is the name of the thread that added the framebuffer:
/// a program's main thread carries its name, a libdispatch worker does not.)
func framebufferOnScreen(allocatedBy command: String) throws -> Bool {
    try framebuffersOnScreen().values.contains { $0.allocatedBy == command }
}

/// The framebuffers card 0's planes show, by plane ("plane[33]"), with who
/// added each, from debugfs's atomic state (a "plane[N]: ..." block each,
/// with "fb=ID" and, for a framebuffer, "allocated by = THREAD"). Planes
/// that show nothing are left out; unreadable debugfs is a failure.
func framebuffersOnScreen() throws -> [String: (id: Int, allocatedBy: String)] {
    let path = "/sys/kernel/debug/dri/0/state"
    guard let state = try? String(contentsOfFile: path, encoding: .utf8) else {
        throw ChildProcessError(description: "\(path) is unreadable: the lab mounts debugfs; is it missing?")
    }
    var result: [String: (id: Int, allocatedBy: String)] = [:]
    var plane: String?
    var framebuffer: Int?
    for line in state.split(separator: "\n") {
        let text = line.trimmingCharacters(in: .whitespaces)
        if !line.hasPrefix("\t") && !line.hasPrefix(" ") {
            // A new object: a plane block, or a CRTC or connector one.
            plane = text.hasPrefix("plane[") ? text.split(separator: ":").first.map(String.init) : nil
            framebuffer = nil
        } else if text.hasPrefix("fb=") {
            framebuffer = Int(text.dropFirst(3))
        } else if text.hasPrefix("allocated by = "), let plane, let framebuffer, framebuffer != 0 {
            result[plane] = (framebuffer, String(text.dropFirst("allocated by = ".count)))
        }
    }
    return result
}

/// The framebuffer ids on card 0's planes other than `console`'s (what the
/// screen showed before the program under test started), by plane.
func programFramebuffersOnScreen(besides console: ScreenState) throws -> [String: Int] {
    try framebuffersOnScreen().filter { $0.value.id != console.framebuffer.map { Int($0.rawValue) } }.mapValues(\.id)
}

/// Waits until `planes` planes of card 0 show framebuffers other than
/// `console`'s (the screen before the program under test started) and each
/// of those planes has since flipped to another: the program streams, it
/// is not just set up. False after `timeout` seconds (a watchdog: the wait
/// ends as soon as the flips are seen).
func waitUntilFlipping(planes: Int = 1, besides console: ScreenState, timeout: Double = 60) throws -> Bool {
    var first: [String: Int] = [:]
    var flipped: Set<String> = []
    return try waitUntil(timeout: timeout) {
        for (plane, framebuffer) in try programFramebuffersOnScreen(besides: console) {
            if let seen = first[plane] {
                if seen != framebuffer { flipped.insert(plane) }
            } else {
                first[plane] = framebuffer
            }
        }
        return flipped.count >= planes
    }
}

/// What the first CRTC of the lab's vkms card shows.
struct ScreenState: Equatable, CustomStringConvertible {
    var framebuffer: FramebufferID?
    var mode: String?

    static func current(card path: String = "/dev/dri/card0") throws -> ScreenState {
        let info = try Card.open(path: path).describe()
        let crtc = try XCTUnwrap(info.crtcs.first, "\(path) has no CRTC")
        return ScreenState(framebuffer: crtc.framebuffer, mode: crtc.mode?.name)
    }

    var description: String { "fb \(framebuffer.map { "\($0)" } ?? "none"), mode \(mode ?? "none")" }
}

/// vivid's fault-injection controls, pressed (or set) through a second
/// descriptor on the same node: controls belong to the device, so the
/// pipeline's own descriptor sees the change at once.
final class FaultInjector {
    let device: VideoDevice

    init(_ path: String) throws {
        device = try VideoDevice.open(path)
    }

    /// Presses a button control ("disconnect", "inject_v4l2_buf_flag_error", ...).
    func press(_ name: String) throws {
        try device.controls.setValue(0, for: device.controls.named(name))
    }

    func set(_ name: String, to value: Int64) throws {
        try device.controls.setValue(value, for: device.controls.named(name))
    }
}

/// Seconds between two instants.
func seconds(from start: DispatchTime, to end: DispatchTime) -> Double {
    Double(end.uptimeNanoseconds &- start.uptimeNanoseconds) / 1e9
}

struct ChildProcessError: Error, CustomStringConvertible {
    let description: String
}

/// How a ``ChildProcess`` ended.
struct ChildResult: Sendable {
    /// The exit status; 128 + N when killed by signal N.
    let status: Int32
    let stdout: String
    let stderr: String
    /// The signal that killed it; nil when it exited.
    let terminatingSignal: Int32?
}

/// A program started with posix_spawn that the test can signal while it
/// runs (Foundation's Process hangs in the lab guest). Its output is
/// collected on a background thread, and can be waited for while it runs
/// (``waitForOutput(_:timeout:)``); ``wait(timeout:)`` returns once it
/// exited.
final class ChildProcess: @unchecked Sendable {
    let pid: pid_t
    private let finished = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var outcome: ChildResult?
    private var exitTime: DispatchTime?
    private var outputSoFar: (stdout: [UInt8], stderr: [UInt8]) = ([], [])

    init(_ path: String, arguments: [String], environment: [String: String]) throws {
        var outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        guard pipe(&outPipe) == 0 else { throw ChildProcessError(description: "pipe failed: \(errno)") }
        guard pipe(&errPipe) == 0 else {
            close(outPipe[0]); close(outPipe[1])
            throw ChildProcessError(description: "pipe failed: \(errno)")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        for fd in outPipe + errPipe { posix_spawn_file_actions_addclose(&actions, fd) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        // The child starts with default signal dispositions and an empty
        // mask, whatever this process set up.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGTERM)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var child: pid_t = 0
        let spawned = posix_spawn(&child, path, &actions, &attributes, argv, envp)
        close(outPipe[1])
        close(errPipe[1])
        guard spawned == 0 else {
            close(outPipe[0]); close(errPipe[0])
            throw ChildProcessError(description: "posix_spawn \(path) failed: \(spawned)")
        }
        pid = child
        let out = outPipe[0], err = errPipe[0]
        DispatchQueue.global().async { self.collect(out: out, err: err) }
    }

    private func collect(out outFD: Int32, err errFD: Int32) {
        let result = collectAndWait(pid: pid, stdout: outFD, stderr: errFD) { isStdout, bytes in
            self.lock.lock()
            if isStdout { self.outputSoFar.stdout += bytes } else { self.outputSoFar.stderr += bytes }
            self.lock.unlock()
        }
        let end = DispatchTime.now()
        lock.lock()
        outcome = ChildResult(status: result.status, stdout: result.stdout, stderr: result.stderr, terminatingSignal: result.terminatingSignal)
        exitTime = end
        lock.unlock()
        finished.signal()
    }

    /// Waits until the child has written `text` on stderr (or, with
    /// `stdout`, on stdout); false if it exited without, or after
    /// `timeout` seconds (a watchdog).
    func waitForOutput(_ text: String, stdout: Bool = false, timeout: Double = 60) -> Bool {
        waitUntil(timeout: timeout) {
            lock.lock()
            defer { lock.unlock() }
            let bytes = stdout ? outputSoFar.stdout : outputSoFar.stderr
            return String(decoding: bytes, as: UTF8.self).contains(text) || outcome != nil
        } && {
            lock.lock()
            defer { lock.unlock() }
            return String(decoding: stdout ? outputSoFar.stdout : outputSoFar.stderr, as: UTF8.self).contains(text)
        }()
    }

    func send(_ signal: Int32) {
        kill(pid, signal)
    }

    /// The result once the child exited, or nil after `timeout` seconds
    /// (the child is then killed so that no test leaves a process behind).
    func wait(timeout: Double) -> (result: ChildResult, exitTime: DispatchTime)? {
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            kill(pid, SIGKILL)
            finished.wait()
            return nil
        }
        lock.lock()
        defer { lock.unlock() }
        guard let outcome, let exitTime else { return nil }
        return (outcome, exitTime)
    }
}

/// Polls `condition` every 20 ms for up to `timeout` seconds.
@discardableResult
func waitUntil(timeout: Double, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = DispatchTime.now() + timeout
    while DispatchTime.now() < deadline {
        if try condition() { return true }
        usleep(20_000)
    }
    return try condition()
}

/// A copy of `configs/<name>` with extra camera controls (set when the
/// camera is set up), written where the lab lets tests write, for CLI runs.
func writeConfiguration(_ name: String, as fileName: String, controls: [String: Int64]) throws -> String {
    let original = try Data(contentsOf: repositoryRoot.appendingPathComponent("configs/\(name)"))
    var root = try XCTUnwrap(try JSONSerialization.jsonObject(with: original) as? [String: Any])
    var source = try XCTUnwrap(root["source"] as? [String: Any])
    var merged = source["controls"] as? [String: Any] ?? [:]
    for (key, value) in controls { merged[key] = value }
    source["controls"] = merged
    root["source"] = source
    let directory = ProcessInfo.processInfo.environment["LAB_RESULTS"] ?? NSTemporaryDirectory()
    let path = URL(fileURLWithPath: directory).appendingPathComponent("\(fileName)-\(getpid()).json").path
    try JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys]).write(to: URL(fileURLWithPath: path))
    return path
}

/// Every frame record of a run, as ``FramePipeline/onFrame`` reports them.
final class FrameEventLog: @unchecked Sendable {
    var events: [FrameRecord] = []

    var errorSequences: Set<UInt32> { Set(events.filter { $0.outcome == .cameraError }.map(\.sequence)) }
    var shownSequences: [UInt32] { events.filter { $0.outcome == .shown }.map(\.sequence) }
    var committedSequences: [UInt32] { events.filter { $0.commitNanoseconds != nil }.map(\.sequence) }
    var dequeuedSequences: [UInt32] { events.filter { $0.dequeueNanoseconds != nil }.map(\.sequence).sorted() }
}

/// What one run with a fault injected while streaming did.
struct FaultRun {
    var summary: PipelineSummary?
    var error: (any Error)?
    var injectedAt: DispatchTime?
    var returnedAt: DispatchTime
    var log: FrameEventLog

    /// Seconds from the injection to `run` returning (teardown included):
    /// a figure for the log (``printFigure(_:)``), never a check.
    var secondsToReturn: Double? { injectedAt.map { seconds(from: $0, to: returnedAt) } }
}

/// Prints a measured figure as a `figure:` line: timings are not checked
/// in tests (the lab's emulated CPU is shared and slow), but scripts/test
/// collects these lines from the lab's output into its report.
func printFigure(_ text: String) {
    print("figure: \(text)")
}

/// Runs `configs/<configuration>` for `frames` and calls `inject` from the
/// status callback (on the pipeline queue) once `afterShown` frames are on
/// screen; `inject` nil means nothing is injected while streaming. `before`
/// runs before the session is set up. `watchdog` (a duration) ends the run if
/// nothing else does (a run meant to end by the fault then reports
/// "duration reached"). The injector's descriptor is closed when this returns.
func runInjecting(
    camera: String, configuration name: String, frames: Int, afterShown: Int = 5, watchdog: Duration? = nil,
    before: ((FaultInjector) throws -> Void)? = nil, inject: ((FaultInjector) throws -> Void)?,
    file: StaticString = #filePath, line: UInt = #line
) throws -> FaultRun {
    let injector = try FaultInjector(camera)
    try before?(injector)
    let log = FrameEventLog()
    var injectedAt: DispatchTime?
    var injectionError: (any Error)?
    var summary: PipelineSummary?
    var failure: (any Error)?
    do {
        let configuration = try PipelineConfiguration.load(path: repositoryRoot.appendingPathComponent("configs/\(name)").path)
        let session = try FramePipeline(configuration: configuration)
        session.onFrame = { [log] event in log.events.append(event) }
        session.onStatus = { statistics, _ in
            guard let inject, injectedAt == nil, statistics[0].shown >= afterShown else { return }
            injectedAt = .now()
            do { try inject(injector) } catch { injectionError = error }
        }
        summary = try session.run(frames: frames, duration: watchdog)
    } catch {
        failure = error
    }
    let returnedAt = DispatchTime.now()
    if let injectionError { throw injectionError }
    if inject != nil { XCTAssertNotNil(injectedAt, "the fault was injected while streaming", file: file, line: line) }
    return FaultRun(summary: summary, error: failure, injectedAt: injectedAt, returnedAt: returnedAt, log: log)
}
