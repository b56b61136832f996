import Foundation
import Pipeline

/// `framepipe bench` with several cameras on one screen: per camera its
/// frames, capture-to-glass latency and share on the earliest vblank; for
/// the screen, the commits (planes carried, flips per vblank) and the CPU
/// of the whole process per shown frame.
public struct CompositeBenchmarkReport: Sendable, Codable, Equatable {
    /// Bumped when fields change meaning.
    public var schemaVersion = 1
    /// The DRM card.
    public var card: String
    /// The display mode.
    public var mode: String
    /// The mode's refresh rate in Hz.
    public var refreshHz: Double
    /// Seconds streamed.
    public var seconds: Double
    /// Per camera, in z-order.
    public var sources: [Source]
    /// The commits on the one CRTC.
    public var commits: CompositeStatistics
    /// Process CPU from the first frame's fate to the last frame, per
    /// frame shown by any camera.
    public var cpu: BenchmarkReport.CPU
    /// Every camera's buffer-pool violations (empty in a correct run).
    public var poolViolations: [String]

    /// One camera's part.
    public struct Source: Sendable, Codable, Equatable {
        /// The camera's device node.
        public var camera: String
        /// Pixel format (both sides' names).
        public var format: String
        /// Frame width.
        public var width: Int
        /// Frame height.
        public var height: Int
        /// Who allocated the buffers.
        public var memory: String
        /// The plane that showed it.
        public var plane: UInt32?
        /// Unscaled, scaled to fit, or cropped (in its rectangle).
        public var placement: String
        /// Frames shown per second of the run.
        public var shownPerSecond: Double
        /// Every frame's fate.
        public var frames: BenchmarkReport.Frames
        /// Capture timestamp → flip vblank, and its parts.
        public var latencyMilliseconds: BenchmarkReport.Latencies
        /// Shown on the first vblank after their dequeue.
        public var earliestVblank: BenchmarkReport.EarliestVblank
        /// The camera's timestamp source (start of exposure, end of frame).
        public var timestampSource: String
        /// The scheduler's counters for this camera.
        public var counters: PipelineStatistics
        /// Why it was lost during the run, if it was.
        public var lost: String?
    }

    /// The report from each camera's frame records and the run's summary.
    public static func make(
        records: [[FrameRecord]], summary: CompositeSummary, refreshHz: Double, cpu: (user: Double, system: Double, shownFrames: Int)
    ) -> CompositeBenchmarkReport {
        let sources = zip(records, summary.sources).enumerated().map { index, pair in
            let (frames, source) = pair
            let measured = BenchmarkReport.measure(frames, hasConversion: false)
            return Source(
                camera: source.camera, format: source.format, width: source.width, height: source.height, memory: source.memory,
                plane: source.plane, placement: source.placement, shownPerSecond: source.shownPerSecond, frames: measured.frames,
                latencyMilliseconds: measured.latency, earliestVblank: measured.earliestVblank, timestampSource: measured.timestampSource,
                counters: source.statistics, lost: summary.lost.indices.contains(index) ? summary.lost[index] : nil)
        }
        let first = summary.sources.first
        return CompositeBenchmarkReport(
            card: first?.card ?? "", mode: first?.mode ?? "", refreshHz: refreshHz, seconds: summary.seconds, sources: sources,
            commits: summary.statistics,
            cpu: BenchmarkReport.CPU(
                userSeconds: cpu.user, systemSeconds: cpu.system,
                perShownFrameMilliseconds: cpu.shownFrames == 0 ? 0 : (cpu.user + cpu.system) * 1000 / Double(cpu.shownFrames)),
            poolViolations: summary.poolViolations)
    }

    /// The human-readable summary printed by `framepipe bench`.
    public var text: String {
        let c = commits
        var lines = [
            "\(sources.count) cameras → \(card): display \(mode)",
            String(format: "commits: %d carrying %d plane updates (%.2f per commit); flips %d over %d vblanks, at most %d per vblank",
                   c.commits, c.planeUpdates, c.commits > 0 ? Double(c.planeUpdates) / Double(c.commits) : 0,
                   c.flips, c.vblanksSpanned, c.maximumCommitsPerVblank),
        ]
        for source in sources {
            let f = source.frames
            lines.append("\(source.camera): \(source.format) \(source.width)x\(source.height), \(source.memory), plane \(source.plane.map(String.init) ?? "none") \(source.placement); timestamps: \(source.timestampSource)")
            lines.append(String(format: "  %d shown (%.2f fps); captured %d, superseded %d, camera errors %d, dropped by camera %d; earliest possible vblank %.1f%%",
                                f.shown, source.shownPerSecond, f.captured, f.superseded, f.cameraErrors, f.cameraDropped,
                                source.earliestVblank.share * 100) + (source.lost.map { "; lost: \($0)" } ?? ""))
            lines.append(BenchmarkReport.latencyRow("total", source.latencyMilliseconds.total))
            lines.append(BenchmarkReport.latencyRow("pipeline side", source.latencyMilliseconds.pipelineSide))
        }
        lines.append(String(format: "CPU: %.2f ms per shown frame, all cameras (user %.2f s, sys %.2f s)",
                            cpu.perShownFrameMilliseconds, cpu.userSeconds, cpu.systemSeconds))
        lines.append("buffer-pool violations: \(poolViolations.count)")
        return lines.joined(separator: "\n")
    }
}
