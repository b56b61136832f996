import ArgumentParser
import FramePipe
import Foundation
import Reporting
import SignalHandling

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

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if let frames, frames < 1 { throw ValidationError("--frames must be at least 1, got \(frames)") }
        if let duration, !(duration > 0) { throw ValidationError("--duration must be above 0 seconds, got \(duration)") }
    }

    /// Throws the error writing `path` would end with if its folder is
    /// missing or not writable (`access(2)`).
    static func checkWritable(_ path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        guard access(folder.isEmpty ? "." : folder, W_OK) == 0 else {
            throw PNGError(path: path, reason: String(cString: strerror(errno)), category: .deviceFailed)
        }
    }

    func run() throws {
        logging.bootstrap()
        try reportingErrors {
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
                    FileHandle.standardError.write(Data(Self.statusLine(statistics, seconds: streamed.inSeconds).utf8))
                }
            }
            session.onCameraAway = { _, path in
                FileHandle.standardError.write(Data("\(interactive ? "\n" : "")waiting for \(path) (unplugged; its last frame stays on screen)\n".utf8))
            }
            session.onCameraBack = { _, path in
                FileHandle.standardError.write(Data("camera back at \(path)\n".utf8))
            }
            session.onSourceLost = { index, error in
                let path = session.sources[index].camera
                FileHandle.standardError.write(Data("\(interactive ? "\n" : "")\(path) lost, its plane is off; the others go on: \(error)\n".utf8))
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
            return "\r fps per camera: \(statistics.map { String(format: "%.1f", rate($0)) }.joined(separator: " / "))   "
        }
        return String(format: "\r%6.1f fps  shown %d  superseded %d  camera errors %d  dropped by camera %d   ",
                      rate(only), only.shown, only.superseded, only.cameraErrors, only.cameraDropped)
    }

    /// After a run: the snapshot is compressed and written (the display is
    /// restored by now), the summary printed as JSON or text, and a
    /// signal's stop becomes its exit status.
    func finish(_ summary: PipelineSummary, screen: WritebackSnapshot?, interactive: Bool) throws {
        if interactive { FileHandle.standardError.write(Data("\n".utf8)) }
        if let snapshot, let screen {
            try screen.bytes.withUnsafeBytes {
                try PNG.writeXRGB8888($0, width: screen.width, height: screen.height, stride: screen.stride, to: snapshot)
            }
        }
        if json {
            FileHandle.standardOutput.write(try reportJSON(summary))
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
            if let copyLine = source.copyLine { lines.append(copyLine) }
            var line = String(
                format: "%d frames shown in %.2f s (%.1f fps); captured %d, superseded %d, dropped to catch up %d, camera errors %d, dropped by camera %d; commits %d, flips %d",
                s.shown, seconds, source.shownPerSecond, s.captured, s.superseded, s.droppedToCatchUp, s.cameraErrors, s.cameraDropped,
                s.commits, s.flips)
            if sources.count > 1, let leftOut = source.latency.leftOut {
                line += "; latency left out, \(leftOut)"
            } else if sources.count > 1 {
                line += String(format: "; latency p50 %.2f ms p90 %.2f ms p99 %.2f ms", source.latency.p50Milliseconds, source.latency.p90Milliseconds, source.latency.p99Milliseconds)
            }
            if sources.count > 1, s.cameraReconnects > 0 {
                line += String(format: "; camera reconnected %d times, %.1f s without it", s.cameraReconnects, s.secondsWithoutCamera)
            }
            if let lost = source.lost { line += "; lost: \(lost)" }
            lines.append(line)
        }
        let c = commits
        if sources.count > 1 {
            lines.append(String(format: "commits %d carrying %d plane updates (%.2f per commit), flips %d over %d vblanks, at most %d per vblank",
                                c.commits, c.planeUpdates, c.commits > 0 ? Double(c.planeUpdates) / Double(c.commits) : 0,
                                c.flips, c.vblanksSpanned, c.maximumCommitsPerVblank))
        }
        let imported = sources.reduce(0) { $0 + $1.framebuffersFromCaptureBuffers }
        let reconnects = sources.reduce(0) { $0 + $1.statistics.cameraReconnects }
        let away = sources.reduce(0.0) { $0 + $1.statistics.secondsWithoutCamera }
        lines.append("stopped: \(stopReason.rawValue); "
            + (reconnects > 0 ? String(format: "camera reconnected %d times, %.1f s without it; ", reconnects, away) : "")
            + (sources.count > 1 ? "\(c.sourcesLost) sources lost; " : "")
            + "\(imported) framebuffers imported from capture dma-bufs; buffer-pool violations: \(poolViolations.count); "
            + "event loop: \(eventLoop)")
        if let snapshot { lines.append("snapshot: \(snapshot)") }
        return lines.joined(separator: "\n")
    }
}
