import FoundationEssentials
import ArgumentParser
import FramePipe
import Reporting
import SignalHandling

#if canImport(Glibc)
import Glibc
#endif

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure capture-to-glass latency per frame, with percentiles, CPU and allocations.",
        discussion: """
        Runs the zero-copy pipeline for --frames shown frames and records, per camera frame: \
        its V4L2 sequence, buffer timestamp and timestamp source, dequeue time, commit time, \
        and the flip event's vblank time and sequence, and whether it was shown, superseded \
        by a newer frame, or dropped by the camera (sequence gap).

        Latency = flip vblank time − capture timestamp (both CLOCK_MONOTONIC), split into the \
        capture side (dequeue − timestamp) and the pipeline side (flip − dequeue), summarised \
        exactly from the samples (p50, p90, p99, p99.9, max). A frame's earliest feasible vblank \
        is the first at least 1 ms after its buffer was done, as the kernel-tracepoint probe \
        counts; user space does not see when the driver finished a buffer, so bench takes its \
        timestamp plus the camera's fastest timestamp → dequeue of the run (a slow wake-up then \
        counts against the frame; never later than the dequeue, and a start-of-exposure one \
        within a frame interval). The share of frames shown on that vblank is reported, the \
        frames that missed it by how many vblanks, and beside it the share on the first vblank \
        after the dequeue, however close. Timestamps that cannot be capture times (later than \
        the dequeue, as vivid's default end-of-frame ones are, or not on CLOCK_MONOTONIC) are \
        named in one line and the latency from them is left out.

        Cost: process CPU (user+sys) per shown frame while streaming, and with \
        --count-allocations heap allocations per frame after --warmup frames (counted by \
        ordo-one's malloc interposer, which bench preloads itself from beside the executable: \
        build it with `swift build --product MallocInterposerSwift`).

        Event loop: system calls per shown frame (perf counters on the raw_syscalls:sys_enter \
        tracepoint, every thread; needs root and tracefs, else the report says why) and context \
        switches (getrusage). Start-up: from the command's start to the pipeline set up and to \
        the first frame on screen. --phase-sweep N runs N times with the camera started at N \
        phases of the refresh period, to show latency wherever the frames fall; --phase F runs \
        once, the camera started F of a period after a vblank.

        With --out DIR: report.json, frames.csv and latency.svg (distribution and latency over \
        time). Use Start-of-Exposure timestamps (vivid: control timestamp_source=1, as in \
        configs/vivid-vkms.json): end-of-frame stamps lie about a frame in the future.

        Example:
          framepipe bench --config configs/vivid-vkms.json --frames 300 --out bench-out
          framepipe bench --config configs/vivid-two-grid.json --frames 250

        With several cameras (--device more than once, or "sources" in the file) the run \
        ends once every camera has shown --frames frames; the report has per camera its \
        frames and latency, and for the screen the commits (planes per commit, flips per \
        vblank) and CPU per shown frame; frames.csv gains a camera column.
        """)

    @OptionGroup var pipelineOptions: PipelineOptions

    @Flag(help: "Before streaming, print every candidate pipeline setup tried and why each before the chosen one was refused (as `framepipe plan` does).")
    var explain = false

    @Option(help: ArgumentHelp("Shown frames to measure.", valueName: "n"))
    var frames: Int

    @Option(help: ArgumentHelp("Frames shown before allocations are counted.", valueName: "n"))
    var warmup: Int = 10

    @Flag(help: "Count heap allocations: bench runs itself again with ordo-one's malloc interposer preloaded (libMallocInterposerSwift.so beside the executable; `swift build --product MallocInterposerSwift`). That costs start-up time and a little CPU per allocation, so it is off unless asked for.")
    var countAllocations = false

    @Option(help: ArgumentHelp("Folder for report.json, frames.csv and latency.svg.", valueName: "dir"))
    var out: String?

    @Flag(help: "Print report.json to stdout instead of the summary.")
    var json = false

    @Option(help: ArgumentHelp(
        "Instead of one run, N runs of --frames each, the camera started at N evenly spread phases of the display's refresh period (waiting for a vblank, then VIDIOC_STREAMON that fraction of a period later; the CRTC must be on). Prints latency and the share on the earliest vblank per phase; with --out, phase-sweep.json and phase-sweep.svg.",
        valueName: "n"))
    var phaseSweep: Int?

    @Option(help: ArgumentHelp(
        "Start the camera this fraction of the display's refresh period after a vblank (0 ≤ F < 1; waiting for a vblank, then VIDIOC_STREAMON; the CRTC must be on), for one full run at that phase (a camera whose frame clock starts at STREAMON, as vivid's, keeps it).",
        valueName: "F"))
    var phase: Double?

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if frames < 1 { throw ValidationError("--frames must be at least 1, got \(frames)") }
        if warmup < 0 { throw ValidationError("--warmup must be 0 or more, got \(warmup)") }
        if let phaseSweep, !(2...100).contains(phaseSweep) { throw ValidationError("--phase-sweep must be from 2 to 100 runs, got \(phaseSweep)") }
        if let phase, !(phase >= 0 && phase < 1) { throw ValidationError("--phase must be at least 0 and below 1, got \(phase)") }
        if phase != nil, phaseSweep != nil { throw ValidationError("--phase and --phase-sweep exclude each other") }
    }

    func run() throws {
        logging.bootstrap()
        try reportingErrors {
            let commandStart = monotonicNanoseconds()
            let loadNanoseconds = processAgeNanoseconds()
            if countAllocations { preloadAllocationCounterIfAvailable() }
            let pipeline = try pipelineOptions.load()
            if let phaseSweep {
                let (sweep, stopReason) = try PhaseSweepRun(configuration: pipeline, runs: phaseSweep, frames: frames).run()
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                let json = try encoder.encode(sweep)
                if let out {
                    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
                    try write(json, to: out + "/phase-sweep.json")
                    try write(Data(sweep.svg.utf8), to: out + "/phase-sweep.svg")
                }
                if self.json { StandardStream.output.write(json) } else {
                    print(sweep.text)
                    if let out { print("written: \(out)/phase-sweep.json, \(out)/phase-sweep.svg") }
                }
                try exitForSignal(stopReason)
                return
            }

            let session = try pipelineOptions.makePipeline(pipeline)
            let setupMilliseconds = Double(monotonicNanoseconds() - commandStart) / 1e6
            if explain {
                for source in session.sources { StandardStream.error.write(source.plan.explanation + "\n") }
            }
            let refreshHz = session.displayPlan.mode.refreshRate
            let logs = session.sources.map { _ in FrameLog(expectedFrames: frames) }
            let window = BenchWindow(counter: AllocationCounter.preloaded(), warmup: warmup, frames: frames, sources: logs.count)
            session.onFrame = { record in
                window.note(record)
                logs[record.source].append(record)
            }
            let signals = SignalRelay(stopping: session)
            defer { signals.uninstall() }
            session.start(frames: frames, startPhase: phase)
            let summary = try session.wait(beforeTeardown: { _ in window.end() })
            let measurements = window.measurements(
                startup: StartupTimes(
                    loadMilliseconds: loadNanoseconds.map { Double($0) / 1e6 },
                    setupMilliseconds: setupMilliseconds, setupSteps: session.setupSteps,
                    firstFrame: window.firstShown.flatMap { StartupTimes.FirstFrame(record: $0, commandStart: commandStart) }))
            let records = logs.map(\.bySequence)
            let report = BenchmarkReport.make(records: records, summary: summary, refreshHz: refreshHz, measurements: measurements,
                                              firstShownSource: window.firstShown?.source)
            let json = try reportJSON(report)
            var written = ["report.json", "frames.csv"]
            if let out {
                try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
                try write(json, to: out + "/report.json")
                let period = refreshHz > 0 ? Int64((1e9 / refreshHz).rounded()) : 0
                let csv = FramesCSV.render(sources: zip(summary.sources, records).map { ($0.camera, $1) }, periodNanoseconds: period)
                try write(Data(csv.utf8), to: out + "/frames.csv")
                for (index, camera) in report.cameras.enumerated() {
                    let name = index == 0 ? "latency.svg" : "latency-\(index + 1).svg"
                    try write(Data(BenchmarkPlot.svg(records: records[index], report: camera, mode: report.mode).utf8), to: out + "/" + name)
                    written.append(name)
                }
            }
            if self.json {
                StandardStream.output.write(json)
            } else {
                print(report.text)
                if let out { print("written: " + written.map { "\(out)/\($0)" }.joined(separator: ", ")) }
            }
            try exitForSignal(summary.stopReason)
        }
    }

    func write(_ data: Data, to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: data) else {
            throw OutputWriteError(path: path)
        }
    }
}

struct OutputWriteError: UserFacingError {
    let path: String
    var description: String { "\(path): cannot write the benchmark output (is the folder writable?)" }
    var category: ErrorCategory { .deviceFailed }
}

/// Re-executes framepipe with the malloc interposer preloaded when it sits
/// beside the executable and is not loaded yet, so allocation counts come
/// for free. Runs before any device is opened.
func preloadAllocationCounterIfAvailable() {
    guard AllocationCounter.preloaded() == nil, getenv("FRAMEPIPE_PRELOADED") == nil else { return }
    let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    let library = executable.deletingLastPathComponent().appendingPathComponent(AllocationCounter.libraryName).path
    guard FileManager.default.fileExists(atPath: library) else { return }
    setenv("FRAMEPIPE_PRELOADED", "1", 1)
    let existing = getenv("LD_PRELOAD").map { String(cString: $0) }
    setenv("LD_PRELOAD", existing.map { "\(library):\($0)" } ?? library, 1)
    let arguments = CommandLine.arguments.map { strdup($0) } + [nil]
    execv(executable.path, arguments)
    // execv returned: carry on without allocation counts.
}
