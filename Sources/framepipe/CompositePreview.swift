import ArgumentParser
import FramePipe
import Foundation
import Reporting
import SignalHandling

/// `preview` with several cameras on one screen.
extension Preview {
    func runComposite(_ pipeline: PipelineConfiguration) throws {
        let session = try pipelineOptions.makeComposite(pipeline)
        if explain {
            for source in session.sources { print(source.plan.explanation) }
        }
        let interactive = isatty(STDERR_FILENO) == 1
        if interactive {
            session.onStatus = { statistics, seconds in
                let rates = statistics.map { String(format: "%.1f", seconds > 0 ? Double($0.shown) / seconds : 0) }
                FileHandle.standardError.write(Data("\r fps per camera: \(rates.joined(separator: " / "))   ".utf8))
            }
        }
        session.onSourceLost = { index, error in
            let path = session.sources[index].camera
            FileHandle.standardError.write(Data("\(interactive ? "\n" : "")\(path) lost, its plane is off; the others go on: \(error)\n".utf8))
        }
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

extension CompositeSummary {
    /// A line per camera (what it showed where, its counters and latency),
    /// then the commits and the end.
    func text(snapshot: String?) -> String {
        var lines: [String] = []
        if let first = sources.first {
            lines.append("\(sources.count) cameras → \(first.card): \(first.connector) \(first.mode), atomic")
        }
        for (index, source) in sources.enumerated() {
            let s = source.statistics
            let latency = source.latency
            var line = "\(source.camera): \(source.format) \(source.width)x\(source.height), plane \(source.plane.map(String.init) ?? "none") \(source.placement); "
            line += String(format: "%d shown (%.1f fps), captured %d, superseded %d, dropped by camera %d, camera errors %d; latency p50 %.2f ms p90 %.2f ms p99 %.2f ms",
                           s.shown, source.shownPerSecond, s.captured, s.superseded, s.cameraDropped, s.cameraErrors,
                           latency.p50, latency.p90, latency.p99)
            if let reason = lost[index] { line += "; lost: \(reason)" }
            lines.append(line)
        }
        let c = statistics
        lines.append(String(format: "commits %d carrying %d plane updates (%.2f per commit), flips %d over %d vblanks, at most %d per vblank",
                            c.commits, c.planeUpdates, c.commits > 0 ? Double(c.planeUpdates) / Double(c.commits) : 0,
                            c.flips, c.vblanksSpanned, c.maximumCommitsPerVblank))
        let imported = sources.reduce(0) { $0 + $1.framebuffersFromCaptureBuffers }
        lines.append(String(format: "stopped: %@ after %.2f s; %d sources lost; %d framebuffers imported from capture dma-bufs; buffer-pool violations: %d",
                            stopReason.rawValue, seconds, c.sourcesLost, imported, poolViolations.count))
        if let snapshot { lines.append("snapshot: \(snapshot)") }
        return lines.joined(separator: "\n")
    }
}
