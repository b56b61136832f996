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
            if let duration { pipeline.duration = duration }
            if reconnect { pipeline.reconnect = true }
            // A snapshot that could not be written is found out now, not
            // after the whole run.
            if let snapshot { try Self.checkWritable(snapshot) }
            if pipeline.isComposite {
                if reconnect { throw ValidationError("--reconnect waits for one camera; with \(pipeline.sources.count), use --on-source-loss continue") }
                try runComposite(pipeline)
                return
            }

            let session = try FramePipeline(configuration: pipeline)
            if explain { print(session.plan.explanation) }
            let interactive = isatty(STDERR_FILENO) == 1
            if interactive {
                session.onStatus = { statistics, seconds in
                    let rate = seconds > 0 ? Double(statistics.shown) / seconds : 0
                    let line = String(format: "\r%6.1f fps  shown %d  superseded %d  camera errors %d  dropped by camera %d   ",
                                      rate, statistics.shown, statistics.superseded, statistics.cameraErrors, statistics.cameraDropped)
                    FileHandle.standardError.write(Data(line.utf8))
                }
            }
            session.onCameraAway = { path in
                FileHandle.standardError.write(Data("\(interactive ? "\n" : "")waiting for \(path) (unplugged; its last frame stays on screen)\n".utf8))
            }
            session.onCameraBack = { path in
                FileHandle.standardError.write(Data("camera back at \(path)\n".utf8))
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
            try finish(summary, stopReason: summary.stopReason, screen: screen, interactive: interactive) { summary.text(snapshot: $0) }
        }
    }

    /// After a run, single or several cameras: the snapshot is compressed
    /// and written (the display is restored by now), the summary printed
    /// as JSON or as `text` (given the snapshot's path when one was
    /// written), and a signal's stop becomes its exit status.
    func finish<Summary: Encodable>(
        _ summary: Summary, stopReason: StopReason, screen: WritebackSnapshot?, interactive: Bool, text: (String?) -> String
    ) throws {
        if interactive { FileHandle.standardError.write(Data("\n".utf8)) }
        if let snapshot, let screen {
            try screen.bytes.withUnsafeBytes {
                try PNG.writeXRGB8888($0, width: screen.width, height: screen.height, stride: screen.stride, to: snapshot)
            }
        }
        if json {
            FileHandle.standardOutput.write(try reportJSON(summary))
        } else {
            print(text(screen == nil ? nil : snapshot))
        }
        try exitForSignal(stopReason)
    }
}

extension PipelineSummary {
    func text(snapshot: String?) -> String {
        let s = statistics
        var lines = [
            "\(camera) → \(card): \(format) \(width)x\(height), \(bufferCount) buffers, \(connector) \(mode), plane \(plane.map(String.init) ?? "none"), \(atomic ? "atomic" : "legacy")",
            String(format: "%d frames shown in %.2f s (%.1f fps); captured %d, superseded %d, dropped to catch up %d, camera errors %d, dropped by camera %d; commits %d, flips %d",
                   s.shown, seconds, shownPerSecond, s.captured, s.superseded, s.droppedToCatchUp, s.cameraErrors, s.cameraDropped,
                   s.commits, s.flips),
            "stopped: \(stopReason.rawValue); "
                + (s.cameraReconnects > 0 ? String(format: "camera reconnected %d times, %.1f s without it; ", s.cameraReconnects, s.secondsWithoutCamera) : "")
                + "\(framebuffersFromCaptureBuffers) framebuffers imported from capture dma-bufs; buffer-pool violations: \(poolViolations.count)",
        ]
        if !plan.isEmpty { lines.insert(plan, at: 1) }
        if let copyLine { lines.insert(copyLine, at: 2) }
        if let snapshot { lines.append("snapshot: \(snapshot)") }
        return lines.joined(separator: "\n")
    }
}
