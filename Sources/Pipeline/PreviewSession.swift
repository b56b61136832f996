import Dispatch
import Foundation
import KMS
import Logging
import Platform
import Synchronization
import V4L2

/// Why a run ended.
public enum StopReason: String, Sendable, Codable {
    case frameCount = "frame count reached"
    case duration = "duration reached"
    case interrupted = "SIGINT"
    case terminated = "SIGTERM"
    case requested = "stop requested"
    case failed = "error"
}

/// What a run did, for the summary line and `--json` style reports.
public struct PreviewSummary: Sendable, Codable, Equatable {
    public var camera: String
    public var card: String
    public var format: String
    public var width: Int
    public var height: Int
    public var bufferCount: Int
    public var connector: String
    public var mode: String
    public var plane: UInt32?
    public var atomic: Bool
    public var statistics: PipelineStatistics
    public var seconds: Double
    public var stopReason: StopReason
    /// Framebuffers created from capture dma-bufs (one per capture buffer).
    public var framebuffersFromCaptureBuffers: Int
    /// Buffer-pool invariant violations; empty in a correct run.
    public var poolViolations: [String]

    public init(camera: String, card: String, format: String, width: Int, height: Int, bufferCount: Int,
                connector: String, mode: String, plane: UInt32?, atomic: Bool, statistics: PipelineStatistics,
                seconds: Double, stopReason: StopReason, framebuffersFromCaptureBuffers: Int, poolViolations: [String]) {
        self.camera = camera
        self.card = card
        self.format = format
        self.width = width
        self.height = height
        self.bufferCount = bufferCount
        self.connector = connector
        self.mode = mode
        self.plane = plane
        self.atomic = atomic
        self.statistics = statistics
        self.seconds = seconds
        self.stopReason = stopReason
        self.framebuffersFromCaptureBuffers = framebuffersFromCaptureBuffers
        self.poolViolations = poolViolations
    }

    /// Frames shown per second of streaming.
    public var shownPerSecond: Double { seconds > 0 ? Double(statistics.shown) / seconds : 0 }
}

/// Errors of a running pipeline (device faults are `DeviceError`s, except
/// the camera faults below, which get a message of their own).
public enum PipelineError: UserFacingError, Sendable, Equatable {
    case noCaptureDevice
    case noDisplayCard(tried: [String])
    case cameraStalled(device: String, seconds: Double)
    case flipTimedOut(device: String, seconds: Double)
    case inconsistentPlanes(device: String, format: String)
    /// The camera went away while streaming: its descriptor polls
    /// `POLLERR | POLLHUP` and every ioctl fails with ENODEV (a USB camera
    /// pulled out, vivid's `disconnect` control).
    case cameraUnplugged(device: String)
    /// The driver stopped the stream with a fatal error: DQBUF and QBUF fail
    /// with EIO and poll reports `POLLERR` until streaming is turned off
    /// (vb2_queue_error; vivid's `inject_fatal_streaming_error`).
    case cameraFailed(device: String, cause: String)
    /// The camera refused a buffer back twice in a row (`VIDIOC_QBUF`). One
    /// failure is retried; a second means the driver will not take it.
    case bufferNotReturned(device: String, index: Int, cause: String)

    public var description: String {
        switch self {
        case .noCaptureDevice:
            return "no V4L2 capture device found (looked at /dev/video*); name one with source.device or --device"
        case .noDisplayCard(let tried):
            return "no DRM card with a connected display found (tried \(tried.isEmpty ? "nothing: no /dev/dri/card*" : tried.joined(separator: ", "))); name one with sink.card or --card"
        case .cameraStalled(let device, let seconds):
            return "\(device): no frame from the camera for \(String(format: "%.1f", seconds)) s; expected frames at the negotiated rate"
        case .flipTimedOut(let device, let seconds):
            return "\(device): a page flip did not complete within \(String(format: "%.1f", seconds)) s"
        case .inconsistentPlanes(let device, let format):
            return "\(device): the driver's plane layout for \(format) does not match the format"
        case .cameraUnplugged(let device):
            return "\(device): the camera was unplugged while streaming (ENODEV, POLLERR|POLLHUP on its descriptor); reconnect it and start again"
        case .cameraFailed(let device, let cause):
            return "\(device): the camera stopped streaming with a fatal error (\(cause)); restart it and start again"
        case .bufferNotReturned(let device, let index, let cause):
            return "\(device): the camera did not take buffer \(index) back (\(cause)); stopping"
        }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .noCaptureDevice, .noDisplayCard: return .noInput
        case .cameraStalled, .flipTimedOut, .cameraUnplugged, .cameraFailed, .bufferNotReturned: return .ioError
        case .inconsistentPlanes: return .unavailable
        }
    }

    /// The pipeline's name for a camera fault that a `DeviceError` reports
    /// in kernel terms: ENODEV/ENXIO from any camera ioctl means the camera
    /// is gone, EIO from DQBUF/QBUF/STREAMON that the driver gave up
    /// streaming. Other errors are returned unchanged.
    public static func cameraFault(_ error: any Error, device: String) -> any Error {
        guard let failure = error as? DeviceError, failure.device == device else { return error }
        switch failure.errnoCode {
        case ENODEV, ENXIO:
            return PipelineError.cameraUnplugged(device: device)
        case EIO where ["VIDIOC_DQBUF", "VIDIOC_QBUF", "VIDIOC_STREAMON"].contains(failure.call):
            return PipelineError.cameraFailed(device: device, cause: "\(failure.call) failed: EIO")
        default:
            return error
        }
    }
}

/// A screen snapshot together with what produced it.
public struct PipelineSnapshot: Sendable {
    /// The composed screen, read back through the writeback connector.
    public var screen: WritebackSnapshot
    /// The capture buffer that was on screen while the snapshot was taken.
    public var bufferIndex: Int
    /// Where that buffer's frame sits on screen.
    public var layout: PlaneLayout
}

/// Camera → screen, zero copies: the capture stream, the display, the
/// scheduler between them, and the serial queue that owns all three.
///
/// Setting up opens both devices, negotiates a format both support natively,
/// allocates capture buffers, exports each as a dma-buf and imports each
/// dma-buf once as a framebuffer. ``run(frames:duration:handleSignals:status:beforeTeardown:)``
/// streams until a stop condition, then tears everything down in reverse
/// and restores the display as it was found.
///
/// The session's state is confined to its serial queue; the class is
/// `@unchecked Sendable` only so that the queue's closures can reach it.
public final class PreviewSession: @unchecked Sendable {
    public let configuration: PipelineConfiguration
    public let pixelFormat: PixelFormat
    public let stream: CaptureStream
    public let display: Display
    public let scheduler: Scheduler
    /// The framebuffer imported from each capture buffer, by buffer index.
    public let framebuffers: [FramebufferID]

    private let queue = DispatchQueue(label: "framepipe.pipeline")
    private let logger = Logger(label: "framepipe.pipeline")
    private let adapter: DisplayAdapter
    private var sources: [any DispatchSourceProtocol] = []
    /// Left once per source when its cancellation handler ran: only then
    /// has libdispatch let go of the descriptor (closing it earlier lets a
    /// later session's descriptor with the same number inherit the stale
    /// epoll registration).
    private let sourcesCancelled = DispatchGroup()
    private var done = DispatchSemaphore(value: 0)
    private var stopReason: StopReason?
    private var failure: (any Error)?
    private var startTime: DispatchTime = .now()
    private var lastFrameTime: DispatchTime = .now()
    private var frameLimit: Int?
    private var tornDown = false
    private var ticks = 0

    /// How long without a camera frame before the run fails.
    public var cameraTimeout: Double = 3
    /// How long a flip may take before the run fails.
    public var flipTimeout: Double = 1

    public init(configuration: PipelineConfiguration) throws {
        self.configuration = configuration
        let source = configuration.source
        let sink = configuration.sink

        let device = try Self.openCamera(source.device)
        let bufferType = try device.requireCapture()
        let cameraFormats = try device.formats(for: bufferType).map(\.fourcc)

        let (card, info) = try Self.openCard(sink.card)
        let displayFormats = Self.displayFormats(info, plane: sink.plane)
        pixelFormat = try negotiatePixelFormat(
            requested: source.format, cameraFormats: cameraFormats, displayFormats: displayFormats,
            camera: device.path, display: card.path)

        let interval = source.frameRate.map { rate -> Fraction in
            // 1/rate as a fraction with a millisecond-ish denominator.
            Fraction(numerator: 1000, denominator: UInt32((rate * 1000).rounded()))
        }
        stream = try CaptureStream(device: device, configuration: CaptureConfiguration(
            fourcc: pixelFormat.v4l2, width: UInt32(source.width), height: UInt32(source.height),
            bufferCount: source.buffers, frameInterval: interval, controls: source.controls))

        var selection = DisplaySelection(
            frameWidth: Int(stream.format.width), frameHeight: Int(stream.format.height),
            format: pixelFormat.drm, forceLegacy: sink.legacy)
        if let connector = sink.connector { selection.connector = .named(connector) }
        if let mode = sink.mode { selection.mode = ModeRequest(parsing: mode) }
        switch sink.plane {
        case "primary": selection.plane = .preferring(.primary)
        case "overlay": selection.plane = .preferring(.overlay)
        case "auto": break
        default: if let id = UInt32(sink.plane) { selection.plane = .id(PlaneID(id)) }
        }
        if let position = sink.position { selection.position = PixelPoint(x: position.x, y: position.y) }
        display = try Display(card: card, info: info, selection: selection)

        // Import every capture buffer once; the frame path only flips ids.
        var imported: [FramebufferID] = []
        for buffer in stream.buffers {
            guard let planes = colourPlaneLocations(
                of: pixelFormat, height: stream.format.height, memoryPlanes: stream.format.planes,
                dataOffsets: buffer.planes.map(\.dataOffset))
            else { throw PipelineError.inconsistentPlanes(device: device.path, format: pixelFormat.description) }
            let layout = FramebufferLayout(
                width: Int(stream.format.width), height: Int(stream.format.height), format: pixelFormat.drm,
                planes: planes.map {
                    FramebufferPlane(dmaBufDescriptor: buffer.planes[$0.memoryPlane].dmabuf.rawValue, offset: $0.offset, pitch: $0.pitch)
                })
            imported.append(try display.importFramebuffer(layout))
        }
        framebuffers = imported
        adapter = DisplayAdapter(display: display, framebuffers: imported)
        scheduler = Scheduler(bufferCount: stream.buffers.count, camera: stream, display: adapter)
    }

    // MARK: Running

    /// How often the watchdogs run (and poll the camera for errors that
    /// never make its descriptor readable).
    static let watchdogInterval = DispatchTimeInterval.milliseconds(250)

    /// Streams until `frames` have been shown, `duration` seconds have
    /// passed, a signal arrives (with `handleSignals`) or a device fails.
    /// `status` is called about twice a second from the pipeline queue;
    /// `beforeTeardown` runs on the queue after streaming stopped being
    /// scheduled but before anything is torn down (snapshots, inspections).
    /// Always tears down; rethrows the first device error after teardown.
    ///
    /// With `handleSignals`, the first SIGINT or SIGTERM stops the run
    /// cleanly (``StopReason/interrupted``, ``StopReason/terminated``); a
    /// second one (more than 200 ms later: duplicates of the first, as
    /// timeout(1) sends, are ignored) ends the process at once with the
    /// signal's default action, even if the pipeline or its teardown hangs.
    /// The previous handlers are restored when `run` returns. One session at
    /// a time may handle signals.
    ///
    /// Camera faults end the run with a ``PipelineError``:
    /// ``PipelineError/cameraUnplugged(device:)`` (ENODEV, POLLHUP),
    /// ``PipelineError/cameraFailed(device:cause:)`` (EIO, POLLERR) and
    /// ``PipelineError/bufferNotReturned(device:index:cause:)``, all noticed
    /// within ``watchdogInterval`` even when the descriptor never becomes
    /// readable.
    public func run(
        frames: Int? = nil, duration: Double? = nil, handleSignals: Bool = false,
        status: ((PipelineStatistics, Double) -> Void)? = nil,
        beforeTeardown: ((PreviewSession) throws -> Void)? = nil
    ) throws -> PreviewSummary {
        frameLimit = frames
        var teardownError: (any Error)?
        let signals = handleSignals ? SignalRelay(session: self) : nil
        queue.sync {
            do {
                try stream.start()
                startTime = .now()
                lastFrameTime = startTime
                installSources(duration: duration, status: status)
            } catch {
                finish(.failed, error: error)
            }
        }
        done.wait()
        queue.sync {
            for source in sources { source.cancel() }
            sources.removeAll()
        }
        sourcesCancelled.wait()
        queue.sync {
            if failure == nil, let beforeTeardown {
                do { try beforeTeardown(self) } catch { failure = error; stopReason = .failed }
            }
            teardownError = teardown()
        }
        signals?.uninstall()
        let summary = makeSummary()
        if let failure { throw failure }
        if let teardownError { throw teardownError }
        return summary
    }

    /// Asks a running session to stop (from any thread).
    public func stop() {
        queue.async { self.finish(.requested, error: nil) }
    }

    /// A signal arrived (called by the ``SignalRelay`` off the pipeline
    /// queue). The caller of `run` is woken at once, so that it reaches
    /// teardown, where a second signal ends the process, even if the
    /// pipeline queue is stuck.
    fileprivate func signalArrived(_ reason: StopReason) {
        queue.async { self.finish(reason, error: nil) }
        done.signal()
    }

    private func installSources(duration: Double?, status: ((PipelineStatistics, Double) -> Void)?) {
        let camera = DispatchSource.makeReadSource(fileDescriptor: stream.fileDescriptor, queue: queue)
        camera.setEventHandler { [unowned self] in
            self.step { try self.scheduler.cameraReadable() }
            self.lastFrameTime = .now()
        }
        let flips = DispatchSource.makeReadSource(fileDescriptor: display.fileDescriptor, queue: queue)
        flips.setEventHandler { [unowned self] in
            self.step { try self.scheduler.displayReadable() }
            if let limit = self.frameLimit, self.scheduler.statistics.shown >= limit {
                self.finish(.frameCount, error: nil)
            }
        }
        let ticks = DispatchSource.makeTimerSource(queue: queue)
        // Watchdogs and status: a camera that fails without becoming
        // readable, a stalled camera or a lost flip event ends the run with
        // an error instead of hanging it.
        ticks.schedule(deadline: .now() + Self.watchdogInterval, repeating: Self.watchdogInterval)
        ticks.setEventHandler { [unowned self] in
            guard self.stopReason == nil else { return }
            self.checkCameraDescriptor()
            guard self.stopReason == nil else { return }
            let now = DispatchTime.now()
            let idle = Double(now.uptimeNanoseconds - self.lastFrameTime.uptimeNanoseconds) / 1e9
            if idle > self.cameraTimeout {
                self.finish(.failed, error: PipelineError.cameraStalled(device: self.stream.device.path, seconds: idle))
                return
            }
            if self.scheduler.isFlipPending, let committed = self.adapter.lastCommit {
                let waiting = Double(now.uptimeNanoseconds - committed.uptimeNanoseconds) / 1e9
                if waiting > self.flipTimeout {
                    self.finish(.failed, error: PipelineError.flipTimedOut(device: self.display.card.path, seconds: waiting))
                    return
                }
            }
            self.ticks += 1
            if self.ticks % 2 == 0 { status?(self.scheduler.statistics, self.elapsed) }
        }
        sources = [camera, flips, ticks]
        if let duration {
            let timer = DispatchSource.makeTimerSource(queue: queue)
            timer.schedule(deadline: .now() + duration)
            timer.setEventHandler { [unowned self] in self.finish(.duration, error: nil) }
            sources.append(timer)
        }
        for source in sources {
            sourcesCancelled.enter()
            source.setCancelHandler { [sourcesCancelled] in sourcesCancelled.leave() }
            source.resume()
        }
    }

    /// libdispatch only reports a descriptor that polls readable (or
    /// hung up); a V4L2 queue whose driver hit a fatal error polls
    /// `POLLERR` alone, forever. So the watchdog asks poll(2) directly and,
    /// on an error, lets DQBUF say what happened (EIO, ENODEV).
    private func checkCameraDescriptor() {
        var entry = pollfd(fd: stream.fileDescriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&entry, 1, 0) > 0 else { return }
        let problems = Int32(entry.revents) & (POLLERR | POLLHUP | POLLNVAL)
        guard problems != 0 else { return }
        step { try self.scheduler.cameraReadable() }
        guard stopReason == nil else { return }
        var names: [String] = []
        if problems & POLLERR != 0 { names.append("POLLERR") }
        if problems & POLLHUP != 0 { names.append("POLLHUP") }
        if problems & POLLNVAL != 0 { names.append("POLLNVAL") }
        let device = stream.device.path
        finish(.failed, error: problems & POLLHUP != 0
            ? PipelineError.cameraUnplugged(device: device)
            : PipelineError.cameraFailed(device: device, cause: "poll reports \(names.joined(separator: "|"))"))
    }

    private func step(_ body: () throws -> Void) {
        guard stopReason == nil else { return }
        do { try body() } catch { finish(.failed, error: error) }
    }

    private func finish(_ reason: StopReason, error: (any Error)?) {
        guard stopReason == nil else { return }
        stopReason = reason
        failure = error.map { PipelineError.cameraFault($0, device: stream.device.path) }
        if let failure { logger.debug("pipeline stopping: \(failure)") }
        done.signal()
    }

    private var elapsed: Double {
        Double(DispatchTime.now().uptimeNanoseconds - startTime.uptimeNanoseconds) / 1e9
    }

    private var stoppedAt: Double?
    /// What teardown clears, kept for the summary.
    private var planeShown: UInt32?

    /// Reverse order of setup: the display first (restore what was on
    /// screen, remove framebuffers, close GEM handles, drop master), then the
    /// camera (STREAMOFF, free buffers, close dma-bufs). Every step runs.
    private func teardown() -> (any Error)? {
        guard !tornDown else { return nil }
        tornDown = true
        stoppedAt = elapsed
        planeShown = display.activePlane?.id.rawValue
        let displayErrors = display.close()
        scheduler.displayReleasedAll()
        var first: (any Error)? = displayErrors.first
        do { try stream.stop() } catch { if first == nil { first = error } }
        return first
    }

    private func makeSummary() -> PreviewSummary {
        let plan = display.plan
        return PreviewSummary(
            camera: stream.device.path, card: display.card.path, format: pixelFormat.description,
            width: Int(stream.format.width), height: Int(stream.format.height), bufferCount: framebuffers.count,
            connector: plan.connector.name, mode: plan.mode.description, plane: planeShown ?? display.activePlane?.id.rawValue,
            atomic: display.usesAtomic, statistics: scheduler.statistics, seconds: stoppedAt ?? elapsed,
            stopReason: stopReason ?? .requested, framebuffersFromCaptureBuffers: framebuffers.count,
            poolViolations: scheduler.pool.violations)
    }

    // MARK: Inspection (on the queue, from `beforeTeardown`)

    /// Freezes scheduling, lets the pending flip land, and reads the
    /// composed screen back through the writeback connector. The frame on
    /// screen stays there (and out of the camera's hands) throughout.
    public func snapshot() throws -> PipelineSnapshot {
        dispatchPrecondition(condition: .onQueue(queue))
        scheduler.isFrozen = true
        defer { scheduler.isFrozen = false }
        let deadline = DispatchTime.now() + flipTimeout
        while scheduler.isFlipPending, DispatchTime.now() < deadline {
            var entry = pollfd(fd: display.fileDescriptor, events: Int16(POLLIN), revents: 0)
            if poll(&entry, 1, 100) > 0 { try scheduler.displayReadable() }
        }
        guard let index = scheduler.pool.onScreen else {
            throw PipelineError.flipTimedOut(device: display.card.path, seconds: flipTimeout)
        }
        let screen = try display.captureWriteback()
        return PipelineSnapshot(screen: screen, bufferIndex: index, layout: display.plan.layout)
    }

    /// The dma-buf descriptors of capture buffer `index` (for tests that
    /// compare the screen with the camera's memory; the pipeline itself
    /// never maps them).
    public func dmaBufDescriptors(of index: Int) -> [Int32] {
        stream.buffers[index].planes.map(\.dmabuf.rawValue)
    }

    // MARK: Device discovery

    static func openCamera(_ path: String) throws -> VideoDevice {
        if path != "auto" { return try VideoDevice.open(path) }
        for candidate in videoDeviceNodes() {
            if let device = try? VideoDevice.open(candidate), device.captureBufferType != nil { return device }
        }
        throw PipelineError.noCaptureDevice
    }

    static func openCard(_ path: String) throws -> (Card, CardInfo) {
        if path != "auto" {
            let card = try Card.open(path: path)
            return (card, try card.describe())
        }
        var tried: [String] = []
        for candidate in Card.devicePaths() {
            tried.append(candidate)
            guard let card = try? Card.open(path: candidate), let info = try? card.describe() else { continue }
            if info.connectors.contains(where: { $0.status == .connected && !$0.isWriteback }) { return (card, info) }
        }
        throw PipelineError.noDisplayCard(tried: tried)
    }

    /// Formats the display could scan out for the `plane` choice, in the
    /// card's order, without duplicates.
    static func displayFormats(_ info: CardInfo, plane: String) -> [FourCC] {
        let planes = info.planes.filter { candidate in
            switch plane {
            case "primary": return candidate.type == .primary
            case "overlay": return candidate.type == .overlay
            case "auto": return candidate.type != .cursor
            default: return UInt32(plane).map { candidate.id.rawValue == $0 } ?? false
            }
        }
        var seen = Set<FourCC>()
        return planes.flatMap { $0.formats.map(\.format) }.filter { seen.insert($0).inserted }
    }
}

/// Puts the scheduler's buffer indices on screen as framebuffer ids; each
/// flip event carries the buffer index as its tag.
final class DisplayAdapter: DisplayQueue {
    let display: Display
    let framebuffers: [FramebufferID]
    private(set) var lastCommit: DispatchTime?

    init(display: Display, framebuffers: [FramebufferID]) {
        self.display = display
        self.framebuffers = framebuffers
    }

    func show(bufferIndex index: Int) throws {
        try display.show(framebuffer: framebuffers[index], tag: UInt32(index))
        lastCommit = .now()
    }

    func handleEvents(_ body: (FlipCompletion) -> Void) throws {
        try display.handleEvents { event in
            body(FlipCompletion(bufferIndex: Int(event.tag), vblankSequence: event.sequence,
                                timestampNanoseconds: Int64(clamping: event.timestampNanoseconds)))
        }
    }
}

extension CaptureStream: CameraQueue {}

/// SIGINT and SIGTERM for one ``PreviewSession/run(frames:duration:handleSignals:status:beforeTeardown:)``.
///
/// The handler is a plain `sigaction` handler rather than a dispatch signal
/// source on the pipeline queue: such a source only runs when the queue is
/// free, so with the queue stuck (a hung ioctl, a slow callback) neither the
/// first nor the second Ctrl-C did anything. This handler runs at once and
/// only does what is async-signal-safe. The first signal is written to a
/// pipe, which a read source on a queue of its own turns into a stop. A
/// later one puts the default action back and raises itself again: the
/// process ends at once, by that signal, whatever the pipeline is doing.
///
/// A signal within ``duplicateWindowNanoseconds`` of the first is the same
/// request delivered twice, not a second Ctrl-C: timeout(1), for one,
/// signals the process and then its whole process group.
private final class SignalRelay: @unchecked Sendable {
    /// When the first signal arrived (CLOCK_MONOTONIC ns), 0 before; and
    /// the pipe's write end. Atomics: the C handler cannot capture, and may
    /// run on any thread.
    static let firstSignal = Atomic<Int64>(0)
    static let writeDescriptor = Atomic<Int32>(-1)
    static let duplicateWindowNanoseconds: Int64 = 200_000_000

    private static let signals: [Int32] = [SIGINT, SIGTERM]
    private var previousActions: [sigaction] = []
    private var previousMask = sigset_t()
    private var pipeDescriptors: [Int32] = [-1, -1]
    private let queue = DispatchQueue(label: "framepipe.signals")
    private let cancelled = DispatchGroup()
    private var source: (any DispatchSourceRead)?

    init(session: PreviewSession) {
        guard pipe(&pipeDescriptors) == 0 else {
            // Without the pipe the default actions stay: a signal still
            // ends the process, only without the clean teardown.
            pipeDescriptors = [-1, -1]
            return
        }
        for descriptor in pipeDescriptors {
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        }
        let reader = pipeDescriptors[0]
        let source = DispatchSource.makeReadSource(fileDescriptor: reader, queue: queue)
        source.setEventHandler { [unowned session] in
            var number: UInt8 = 0
            while read(reader, &number, 1) == 1 {
                session.signalArrived(Int32(number) == SIGTERM ? .terminated : .interrupted)
            }
        }
        cancelled.enter()
        source.setCancelHandler { [cancelled] in cancelled.leave() }
        source.resume()
        self.source = source

        Self.firstSignal.store(0, ordering: .sequentiallyConsistent)
        Self.writeDescriptor.store(pipeDescriptors[1], ordering: .sequentiallyConsistent)
        var action = sigaction()
        action.__sigaction_handler.sa_handler = relaySignal
        action.sa_flags = SA_RESTART
        sigemptyset(&action.sa_mask)
        var mask = sigset_t()
        sigemptyset(&mask)
        for number in Self.signals {
            var previous = sigaction()
            sigaction(number, &action, &previous)
            previousActions.append(previous)
            sigaddset(&mask, number)
        }
        // The calling thread waits for the run; it must be able to take the
        // signals (worker threads of libdispatch block them all).
        pthread_sigmask(SIG_UNBLOCK, &mask, &previousMask)
    }

    /// Restores the previous handlers and mask, then closes the pipe once
    /// its read source has let go of it.
    func uninstall() {
        for (number, previous) in zip(Self.signals, previousActions) {
            var action = previous
            sigaction(number, &action, nil)
        }
        pthread_sigmask(SIG_SETMASK, &previousMask, nil)
        if let source {
            source.cancel()
            cancelled.wait()
            self.source = nil
        }
        Self.writeDescriptor.store(-1, ordering: .sequentiallyConsistent)
        for descriptor in pipeDescriptors where descriptor >= 0 { close(descriptor) }
        pipeDescriptors = [-1, -1]
    }
}

/// The C signal handler: async-signal-safe calls only (clock_gettime,
/// write, signal, raise) and lock-free atomics.
private let relaySignal: @convention(c) (Int32) -> Void = { number in
    let savedErrno = errno
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    let nanoseconds = max(1, Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec))
    let (isFirst, first) = SignalRelay.firstSignal.compareExchange(
        expected: 0, desired: nanoseconds, ordering: .sequentiallyConsistent)
    if isFirst {
        var byte = UInt8(truncatingIfNeeded: number)
        _ = write(SignalRelay.writeDescriptor.load(ordering: .sequentiallyConsistent), &byte, 1)
    } else if nanoseconds - first >= SignalRelay.duplicateWindowNanoseconds {
        // A second request: end now. The signal is blocked while its
        // handler runs, so the raised one lands right after the return.
        signal(number, SIG_DFL)
        raise(number)
    }
    errno = savedErrno
}
