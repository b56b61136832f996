import Foundation
import Pipeline

/// `report.json` of `framepipe bench`. Its schema is documented in the README.
public struct BenchmarkReport: Sendable, Codable, Equatable {
    /// Version of this JSON layout; 1 until a field changes meaning or goes.
    public var schemaVersion = 1
    /// The camera's device node (`"/dev/video0"`).
    public var camera: String
    /// The display's card (`"/dev/dri/card0"`).
    public var card: String
    /// The pixel format shown (`"XRGB8888 (V4L2 XR24, DRM XR24)"`).
    public var format: String
    /// Frame width in pixels, as the camera delivered it.
    public var width: Int
    /// Frame height in pixels, as the camera delivered it.
    public var height: Int
    /// The display mode set (`"1024x768@60.004Hz (preferred)"`).
    public var mode: String
    /// Who allocated the frame buffers: `"camera memory"`, `"display
    /// memory"` or `"heap NAME"`.
    public var memory: String
    /// The one-line plan the run used (`"plan: camera memory, XRGB8888
    /// 640x480 → plane 33 (overlay) ..."`); `framepipe plan` lists the rest.
    public var plan: String
    /// The mode's vertical refresh rate in hertz, from its timings.
    public var refreshHz: Double
    /// Seconds of streaming, from `VIDIOC_STREAMON` to the stop.
    public var seconds: Double
    /// Frames shown per second of streaming: the pipeline's own `shown`
    /// counter divided by ``seconds``.
    public var shownPerSecond: Double
    /// What became of the camera's frames, counted from the per-frame records.
    public var frames: Frames
    /// Latency percentiles in milliseconds, over shown frames other than
    /// the modeset frame.
    public var latencyMilliseconds: Latencies
    /// How many shown frames made the earliest vblank they could have made.
    public var earliestVblank: EarliestVblank
    /// Process CPU time while streaming.
    public var cpu: CPU
    /// What the event loop costs per shown frame: system calls and
    /// context switches, counted over the same span as ``cpu``.
    public var eventLoop: EventLoop
    /// Time to the first frame.
    public var startup: Startup
    /// Heap allocations in steady state.
    public var allocations: Allocations
    /// "start-of-exposure", "end-of-frame", "mixed" or "unknown".
    public var timestampSource: String
    /// The pipeline's own counters, counted where each event happened (not
    /// from the per-frame records): `frames` must agree with them.
    public var counters: PipelineStatistics
    /// Buffer-pool invariant violations seen during the run; empty in a
    /// correct run.
    public var poolViolations: [String]
    /// The copy path, if one ran: "YUYV 640x480 → XRGB8888 (libyuv)".
    public var copyPath: String? = nil
    /// What the copy path did (frames converted, refused, bytes, CPU).
    public var copy: CopyStatistics? = nil

    /// Camera frames by fate (``FrameOutcome``), counted from the records.
    public struct Frames: Sendable, Codable, Equatable {
        /// Every frame the camera numbered during the run (delivered or not).
        public var total: Int
        /// Frames the camera delivered: ``total`` minus ``cameraDropped``
        /// (frames flagged with an error included).
        public var captured: Int
        /// Frames a flip put on screen, the modeset frame included.
        public var shown: Int
        /// Frames dropped because a newer one was ready first (mailbox).
        public var superseded: Int
        /// Frames not shown to leave a one-vblank-late lock at equal rates.
        public var droppedToCatchUp: Int
        /// Buffers the camera flagged with `V4L2_BUF_FLAG_ERROR`.
        public var cameraErrors: Int
        /// Frames the camera never delivered (gaps in its sequence numbers).
        public var cameraDropped: Int
        /// Frames still ready or committed when the run stopped.
        public var inFlightAtEnd: Int
    }

    /// Capture-to-glass latency and its two parts, in milliseconds.
    public struct Latencies: Sendable, Codable, Equatable {
        /// Flip vblank − capture timestamp.
        public var total: LatencySummary
        /// Dequeue − capture timestamp: the wake-up (the driver finished
        /// the buffer shortly after its timestamp; user space cannot see when).
        public var captureSide: LatencySummary
        /// Flip vblank − dequeue.
        public var pipelineSide: LatencySummary
        /// Commit − dequeue: the pipeline's own work before the commit
        /// (and any wait for a flip still pending).
        public var dequeueToCommit: LatencySummary
        /// On the copy path: the CPU time each shown frame's conversion
        /// took (part of the capture side); nil for zero-copy.
        public var conversion: LatencySummary?
    }

    /// System calls and context switches per shown frame.
    public struct EventLoop: Sendable, Codable, Equatable {
        /// System calls of the whole process per shown frame (perf's
        /// `raw_syscalls:sys_enter` per thread); nil when not measured.
        public var systemCallsPerShownFrame: Double?
        /// Why system calls were not counted (needs root and tracefs).
        public var systemCallsNotMeasured: String?
        /// Threads that started while counting and were still running at
        /// the end: their system calls are missing from the count.
        public var threadsNotCounted: Int
        /// Voluntary plus involuntary context switches of the whole
        /// process (getrusage) per shown frame.
        public var contextSwitchesPerShownFrame: Double
        /// Voluntary context switches (a thread blocked) over the span.
        public var voluntaryContextSwitches: Int
        /// Involuntary context switches (a thread was preempted).
        public var involuntaryContextSwitches: Int

        /// Figures with these values; no checks.
        public init(systemCallsPerShownFrame: Double?, systemCallsNotMeasured: String?, threadsNotCounted: Int,
                    contextSwitchesPerShownFrame: Double, voluntaryContextSwitches: Int, involuntaryContextSwitches: Int) {
            self.systemCallsPerShownFrame = systemCallsPerShownFrame
            self.systemCallsNotMeasured = systemCallsNotMeasured
            self.threadsNotCounted = threadsNotCounted
            self.contextSwitchesPerShownFrame = contextSwitchesPerShownFrame
            self.voluntaryContextSwitches = voluntaryContextSwitches
            self.involuntaryContextSwitches = involuntaryContextSwitches
        }
    }
    /// Whether shown frames reached the screen at the first vblank after
    /// their dequeue (the modeset frame left out).
    public struct EarliestVblank: Sendable, Codable, Equatable {
        /// Share of shown frames that made the first vblank after their dequeue.
        public var share: Double
        /// Shown frames by vblanks missed ("1": frames one vblank late, ...).
        public var missed: [String: Int]
    }

    /// Process CPU time (`getrusage(RUSAGE_SELF)`) from the first frame's
    /// fate to the end of streaming, so that start-up is left out.
    public struct CPU: Sendable, Codable, Equatable {
        /// User CPU seconds of the whole process.
        public var userSeconds: Double
        /// System (kernel) CPU seconds of the whole process.
        public var systemSeconds: Double
        /// User plus system CPU, in milliseconds, divided by the frames shown
        /// in that time; 0 when none was shown.
        public var perShownFrameMilliseconds: Double
    }

    /// Heap allocations counted by ordo-one's malloc interposer, when it was
    /// preloaded.
    public struct Allocations: Sendable, Codable, Equatable {
        /// False when the malloc interposer was not preloaded.
        public var measured: Bool
        /// Heap allocations of the whole process per shown frame, counted
        /// after warm-up until the end of streaming.
        public var perFrameSteadyState: Double?
        /// Shown frames over which allocations were counted (after warm-up).
        public var framesMeasured: Int
        /// Heap allocations counted over those frames.
        public var allocationsMeasured: Int

        /// Allocation figures with these values; no checks.
        public init(measured: Bool, perFrameSteadyState: Double?, framesMeasured: Int, allocationsMeasured: Int) {
            self.measured = measured
            self.perFrameSteadyState = perFrameSteadyState
            self.framesMeasured = framesMeasured
            self.allocationsMeasured = allocationsMeasured
        }
    }

    /// Builds the report from per-frame records and run-level measurements.
    public static func make(
        records: [FrameRecord], summary: PipelineSummary, refreshHz: Double,
        cpu: (user: Double, system: Double, shownFrames: Int), allocations: Allocations,
        eventLoop: EventLoop, startup: Startup
    ) -> BenchmarkReport {
        let measured = measure(records, hasConversion: summary.copy != nil)
        return BenchmarkReport(
            camera: summary.camera, card: summary.card, format: summary.format,
            width: summary.width, height: summary.height, mode: summary.mode, memory: summary.memory, plan: summary.plan,
            refreshHz: refreshHz,
            seconds: summary.seconds, shownPerSecond: summary.shownPerSecond,
            frames: measured.frames, latencyMilliseconds: measured.latency, earliestVblank: measured.earliestVblank,
            cpu: CPU(userSeconds: cpu.user, systemSeconds: cpu.system,
                     perShownFrameMilliseconds: cpu.shownFrames == 0 ? 0 : (cpu.user + cpu.system) * 1000 / Double(cpu.shownFrames)),
            eventLoop: eventLoop, startup: startup,
            allocations: allocations,
            timestampSource: measured.timestampSource,
            counters: summary.statistics, poolViolations: summary.poolViolations,
            copyPath: summary.copyPath, copy: summary.copy)
    }

    /// What one camera's frame records say: their fates, the latency
    /// percentiles and the share on the earliest vblank (the modeset frame
    /// left out: its event is the modeset's, not a page flip's; it is in
    /// frames.csv), and the timestamp source.
    static func measure(
        _ records: [FrameRecord], hasConversion: Bool
    ) -> (frames: Frames, latency: Latencies, earliestVblank: EarliestVblank, timestampSource: String) {
        let allShown = records.filter { $0.outcome == .shown }
        let shown = records.filter { $0.outcome == .shown && !$0.isModesetFrame }
        let count = { (outcome: FrameOutcome) in records.filter { $0.outcome == outcome }.count }
        var missed: [String: Int] = [:]
        for record in shown { if let late = record.vblanksMissed, late > 0 { missed[String(late), default: 0] += 1 } }
        let onTime = shown.filter { $0.vblanksMissed == 0 }.count
        let sources = Set(records.compactMap(\.timestampSource))
        let frames = Frames(
            total: records.count, captured: records.count - count(.droppedByCamera),
            shown: allShown.count, superseded: count(.superseded), droppedToCatchUp: count(.droppedToCatchUp),
            cameraErrors: count(.cameraError), cameraDropped: count(.droppedByCamera), inFlightAtEnd: count(.inFlight))
        let latency = Latencies(
            total: LatencySummary(nanoseconds: shown.compactMap(\.totalNanoseconds)),
            captureSide: LatencySummary(nanoseconds: shown.compactMap(\.captureSideNanoseconds)),
            pipelineSide: LatencySummary(nanoseconds: shown.compactMap(\.pipelineSideNanoseconds)),
            dequeueToCommit: LatencySummary(nanoseconds: shown.compactMap(\.dequeueToCommitNanoseconds)),
            conversion: hasConversion ? LatencySummary(nanoseconds: shown.compactMap(\.conversionNanoseconds)) : nil)
        let earliest = EarliestVblank(share: shown.isEmpty ? 0 : Double(onTime) / Double(shown.count), missed: missed)
        let source = sources.count == 1 ? (sources.first ?? "unknown") : sources.isEmpty ? "unknown" : "mixed"
        return (frames, latency, earliest, source)
    }

    /// One latency line of the text summary.
    static func latencyRow(_ name: String, _ l: LatencySummary) -> String {
        String(format: "  %-14@ p50 %7.2f  p90 %7.2f  p99 %7.2f  p99.9 %7.2f  max %7.2f ms  (n=%d)",
               name as NSString, l.p50, l.p90, l.p99, l.p99_9, l.max, l.count)
    }

    /// The human-readable summary printed by `framepipe bench`.
    public var text: String {
        let row = Self.latencyRow
        let missedText = earliestVblank.missed.sorted { (Int($0.key) ?? 0) < (Int($1.key) ?? 0) }
            .map { "\($0.value) frame(s) \($0.key) vblank(s) late" }.joined(separator: ", ")
        var copyLines: [String] = []
        if let conversion = latencyMilliseconds.conversion { copyLines.append(row("conversion (CPU)", conversion)) }
        if let line = PipelineSummary.copyLine(path: copyPath, copy: copy) { copyLines.append(line) }
        let head: [String] = [
            "\(camera) → \(card): \(format) \(width)x\(height), \(memory), display \(mode); timestamps: \(timestampSource)",
            String(format: "%d frames shown in %.2f s (%.2f fps); captured %d, superseded %d, dropped to catch up %d, camera errors %d, dropped by camera %d",
                   frames.shown, seconds, shownPerSecond, frames.captured, frames.superseded, frames.droppedToCatchUp,
                   frames.cameraErrors, frames.cameraDropped),
            "latency (capture timestamp → flip vblank):",
            row("total", latencyMilliseconds.total),
            row("capture side", latencyMilliseconds.captureSide),
            row("pipeline side", latencyMilliseconds.pipelineSide),
            row("dequeue→commit", latencyMilliseconds.dequeueToCommit),
        ]
        let tail: [String] = [
            String(format: "earliest possible vblank: %.1f%% of shown frames", earliestVblank.share * 100)
                + (missedText.isEmpty ? "" : "; missed: " + missedText),
            String(format: "CPU: %.2f ms per shown frame (user %.2f s, sys %.2f s)", cpu.perShownFrameMilliseconds, cpu.userSeconds, cpu.systemSeconds),
            (eventLoop.systemCallsPerShownFrame.map { String(format: "system calls: %.1f per shown frame", $0) }
                ?? "system calls: not counted (\(eventLoop.systemCallsNotMeasured ?? "unknown"))")
                + String(format: "; context switches: %.1f per shown frame", eventLoop.contextSwitchesPerShownFrame),
            startup.text,
            !allocations.measured
                ? "heap allocations: not counted (--count-allocations, with the malloc interposer built)"
                : allocations.perFrameSteadyState.map {
                    String(format: "heap allocations per frame in steady state: %.2f (%d over %d frames)",
                           $0, allocations.allocationsMeasured, allocations.framesMeasured)
                } ?? "heap allocations per frame in steady state: none measured (no frame shown after the warm-up; --frames must exceed --warmup)",
        ]
        return (head + copyLines + tail).joined(separator: "\n")
    }
}
