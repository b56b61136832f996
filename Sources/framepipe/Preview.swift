import ArgumentParser
import FramePipe
import Reporting
import SignalHandling

#if canImport(Glibc)
import Glibc
#endif

struct Preview: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the camera on the screen, zero-copy, until a frame count, a duration or Ctrl-C.",
        discussion: """
        Finds a pipeline that works (who allocates the buffers, a pixel format both the \
        camera and a display plane support natively, the mode, plane and placement; \
        `framepipe plan` lists the search), exports every capture buffer as a dma-buf, \
        imports each once as a KMS framebuffer, and flips between them with non-blocking \
        atomic commits. A buffer returns to the camera only after the frame that replaced it \
        on screen has been flipped in. Where no zero-copy path exists, --allow-copy converts \
        each frame with libyuv instead (counted in the summary); without it the run is refused.

        The flags need no file (a file, see configs/, holds the same settings); flags override \
        the file. With no rate given, the camera is asked for the highest it offers up to the \
        display's refresh rate. On a terminal a status line shows the rate and counts; at the \
        end a summary is printed. Ctrl-C (SIGINT) or SIGTERM stops cleanly and restores the \
        display as it was found (exit 130 / 143).

        Examples:
          framepipe preview --device /dev/video0 --size 1280x720
          framepipe preview --device /dev/video0 --format YUYV --allow-copy
          framepipe preview --config configs/vivid-vkms.json --frames 100 --snapshot screen.png
          framepipe preview --device /dev/video0 --reconnect --log-level debug
          framepipe preview --device /dev/video0 --device /dev/video4 --layout picture-in-picture
          framepipe preview --config configs/vivid-four-grid.json --on-source-loss continue
          framepipe preview --check-config /etc/framepipe/pipeline.json

        Several cameras (--device more than once, or "sources" in the file) share the \
        screen, a plane each, bottom to top in the order given; one atomic commit per vblank \
        at most carries every camera that has a newer frame. The summary has a line per camera.
        """)

    @OptionGroup var pipelineOptions: PipelineOptions

    @Flag(help: "Before streaming, print every candidate pipeline setup tried and why each before the chosen one was refused (as `framepipe plan` does).")
    var explain = false

    @Option(help: ArgumentHelp("Stop after this many frames are shown.", valueName: "n"))
    var frames: Int?

    @Option(help: ArgumentHelp("Stop after this many seconds.", valueName: "seconds"))
    var duration: Double?

    @Option(help: ArgumentHelp("After the last frame, save the composed screen (read back through the display's writeback connector) as a compressed PNG.", valueName: "file.png"))
    var snapshot: String?

    @Flag(help: "When the camera is unplugged, keep its last frame on screen, wait for it to come back (the same bus info, or path) and go on, saying \"waiting for /dev/videoN\" on stderr. Without it (or \"reconnect\": true in the file) the run ends with exit 74.")
    var reconnect = false

    @Flag(help: "Print the summary as JSON.")
    var json = false

    @Option(help: ArgumentHelp(
        "Check this pipeline file (with the flags given) and exit: decoded strictly as for a run, then every device node it names judged without opening it (it exists, is the right kind, is readable and writable by this user; \"auto\" needs one such node). One line, exit 0 if it would start, else the run's exit code. Works while another program holds the devices: check a service's file before `systemctl restart`.",
        valueName: "file"), completion: .file(extensions: ["json"]))
    var checkConfig: String?

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if let frames, frames < 1 { throw ValidationError("--frames must be at least 1, got \(frames)") }
        if let duration, !(duration > 0) { throw ValidationError("--duration must be above 0 seconds, got \(duration)") }
        if checkConfig != nil, pipelineOptions.config != nil {
            throw ValidationError("--check-config names the file to check; give it without --config")
        }
    }

    /// Throws the error writing `path` would end with if its folder is
    /// missing or not writable (`access(2)`).
    static func checkWritable(_ path: String) throws {
        let folder = folderOf(path)
        guard access(folder.isEmpty ? "." : folder, W_OK) == 0 else {
            throw PNGError(path: path, reason: String(cString: strerror(errno)), category: .deviceFailed)
        }
    }

    /// The folder part of `path`, as `NSString.deletingLastPathComponent`
    /// gives it: "" for a bare name, "/" for a file at the root, trailing
    /// and doubled slashes dropped ("a//b/" → "a").
    static func folderOf(_ path: String) -> String {
        var components = path.split(separator: "/", omittingEmptySubsequences: true)
        let absolute = path.hasPrefix("/")
        guard !components.isEmpty else { return absolute ? "/" : "" }
        components.removeLast()
        let joined = components.joined(separator: "/")
        return absolute ? "/" + joined : joined
    }

    func run() throws {
        logging.bootstrap()
        try reportingErrors {
            if let checkConfig {
                var options = pipelineOptions
                options.config = checkConfig
                print(try ConfigCheck(pipeline: try options.load()).verdict(file: checkConfig))
                return
            }
            var pipeline = try pipelineOptions.load()
            if let frames { pipeline.frames = frames }
            if let duration { pipeline.duration = .seconds(roundedToNanoseconds: duration) }
            if reconnect { pipeline.reconnect = true }
            // A snapshot that could not be written is found out now, not
            // after the whole run.
            if let snapshot { try Self.checkWritable(snapshot) }
            let session = try pipelineOptions.makePipeline(pipeline)
            if explain {
                for source in session.sources { print(source.plan.explanation) }
            }
            let interactive = isatty(STDERR_FILENO) == 1
            if interactive {
                session.onStatus = { statistics, streamed in
                    StandardStream.error.write(Self.statusLine(statistics, seconds: streamed.inSeconds))
                }
            }
            session.onCameraAway = { _, path in
                StandardStream.error.write("\(interactive ? "\n" : "")waiting for \(path) (unplugged; its last frame stays on screen)\n")
            }
            session.onCameraBack = { _, path in
                StandardStream.error.write("camera back at \(path)\n")
            }
            session.onSourceLost = { index, error in
                let path = session.sources[index].camera
                StandardStream.error.write("\(interactive ? "\n" : "")\(path) lost, its plane is off; the others go on: \(error)\n")
            }
            // The screen is copied out before teardown; compressing and
            // writing it waits until the display is restored.
            var screen: WritebackSnapshot?
            let signals = SignalRelay(stopping: session)
            defer { signals.uninstall() }
            let summary = try session.run(
                frames: pipeline.frames, duration: pipeline.duration,
                beforeTeardown: snapshot.map { _ in
                    { session in screen = try session.snapshot().screen }
                })
            try finish(summary, screen: screen, interactive: interactive)
        }
    }

    /// The status line on a terminal: the rate and counts of one camera,
    /// the rate of each of several.
    static func statusLine(_ statistics: [PipelineStatistics], seconds: Double) -> String {
        let rate = { (counters: PipelineStatistics) in seconds > 0 ? Double(counters.shown) / seconds : 0 }
        guard statistics.count == 1, let only = statistics.first else {
            return "\r fps per camera: \(statistics.map { NumberText.fixed(rate($0), 1) }.joined(separator: " / "))   "
        }
        return "\r\(NumberText.fixed(rate(only), 1, width: 6)) fps  shown \(only.shown)  superseded \(only.superseded)  "
            + "camera errors \(only.cameraErrors)  dropped by camera \(only.cameraDropped)   "
    }

    /// After a run: the snapshot is compressed and written (the display is
    /// restored by now), the summary printed as JSON or text, and a
    /// signal's stop becomes its exit status.
    func finish(_ summary: PipelineSummary, screen: WritebackSnapshot?, interactive: Bool) throws {
        if interactive { StandardStream.error.write("\n") }
        if let snapshot, let screen {
            try screen.bytes.withUnsafeBytes {
                try PNG.writeXRGB8888($0, width: screen.width, height: screen.height, stride: screen.stride, to: snapshot)
            }
        }
        if json {
            StandardStream.output.write(try reportJSON(summary))
        } else {
            print(summary.text(snapshot: screen == nil ? nil : snapshot))
        }
        try exitForSignal(summary.stopReason)
    }
}

extension PipelineSummary {
    /// The summary `preview` prints: per camera what it showed where and
    /// its counters (and latency with several), then the commits and the end.
    func text(snapshot: String?) -> String {
        var lines: [String] = []
        if sources.count > 1 {
            lines.append("\(sources.count) cameras → \(card): \(connector) \(mode), \(atomic ? "atomic" : "legacy")")
        }
        for source in sources {
            let s = source.statistics
            if sources.count == 1 {
                lines.append("\(source.camera) → \(card): \(source.format) \(source.width)x\(source.height), \(source.bufferCount) buffers, \(connector) \(mode), plane \(source.plane.map(String.init) ?? "none"), \(atomic ? "atomic" : "legacy")")
            } else {
                lines.append("\(source.camera): \(source.format) \(source.width)x\(source.height), plane \(source.plane.map(String.init) ?? "none") \(source.placement)")
            }
            if !source.plan.isEmpty { lines.append(source.plan) }
            if let media = source.media { lines.append(media) }
            if let copyLine = source.copyLine { lines.append(copyLine) }
            var line = "\(s.shown) frames shown in \(NumberText.fixed(seconds, 2)) s (\(NumberText.fixed(source.shownPerSecond, 1)) fps); "
                + "captured \(s.captured), superseded \(s.superseded), dropped to catch up \(s.droppedToCatchUp), "
                + "camera errors \(s.cameraErrors), dropped by camera \(s.cameraDropped); commits \(s.commits), flips \(s.flips)"
            if sources.count > 1, let leftOut = source.latency.leftOut {
                line += "; latency left out, \(leftOut)"
            } else if sources.count > 1 {
                let l = source.latency
                line += "; latency p50 \(NumberText.fixed(l.p50Milliseconds, 2)) ms p90 \(NumberText.fixed(l.p90Milliseconds, 2)) ms p99 \(NumberText.fixed(l.p99Milliseconds, 2)) ms"
            }
            if sources.count > 1, s.cameraReconnects > 0 {
                line += "; camera reconnected \(s.cameraReconnects) times, \(NumberText.fixed(s.secondsWithoutCamera, 1)) s without it"
            }
            if let lost = source.lost { line += "; lost: \(lost)" }
            lines.append(line)
        }
        let c = commits
        if sources.count > 1 {
            let perCommit = c.commits > 0 ? Double(c.planeUpdates) / Double(c.commits) : 0
            lines.append("commits \(c.commits) carrying \(c.planeUpdates) plane updates (\(NumberText.fixed(perCommit, 2)) per commit), "
                + "flips \(c.flips) over \(c.vblanksSpanned) vblanks, at most \(c.maximumCommitsPerVblank) per vblank")
        }
        let imported = sources.reduce(0) { $0 + $1.framebuffersFromCaptureBuffers }
        let reconnects = sources.reduce(0) { $0 + $1.statistics.cameraReconnects }
        let away = sources.reduce(0.0) { $0 + $1.statistics.secondsWithoutCamera }
        lines.append("stopped: \(stopReason.rawValue); "
            + (reconnects > 0 ? "camera reconnected \(reconnects) times, \(NumberText.fixed(away, 1)) s without it; " : "")
            + (sources.count > 1 ? "\(c.sourcesLost) sources lost; " : "")
            + "\(imported) framebuffers imported from capture dma-bufs; buffer-pool violations: \(poolViolations.count); "
            + "event loop: \(eventLoop)")
        if let snapshot { lines.append("snapshot: \(snapshot)") }
        return lines.joined(separator: "\n")
    }
}
