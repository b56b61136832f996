import Foundation
import Pipeline

/// One camera's part of `report.json`: what it showed where, its frames by
/// fate, its latency and the share of frames on the earliest vblank, each
/// counted from its per-frame records; its own counters beside them.
package struct CameraReport: Sendable, Codable, Equatable {
    /// The camera's device node (`"/dev/video0"`).
    package var camera: String
    /// The pixel format shown (`"XRGB8888 (V4L2 XR24, DRM XR24)"`).
    package var format: String
    /// Frame width in pixels, as the camera delivered it.
    package var width: Int
    /// Frame height in pixels, as the camera delivered it.
    package var height: Int
    /// Who allocated, which plan, which plane, how placed.
    package var setup: Setup
    /// Frames shown per second of streaming (the pipeline's own counter).
    package var shownPerSecond: Double
    /// What became of the camera's frames, counted from its records.
    package var frames: FrameCounts
    /// Latency percentiles in milliseconds, over shown frames other than
    /// the modeset frame.
    package var latencyMilliseconds: LatencyBreakdown
    /// How many shown frames made the earliest vblank they could have made.
    package var earliestVblank: EarliestVblank
    /// "start-of-exposure", "end-of-frame", "mixed" or "unknown".
    package var timestampSource: String
    /// The pipeline's own counters, counted where each event happened (not
    /// from the records): ``frames`` must agree with them.
    package var counters: PipelineStatistics
    /// The copy path, if one ran: what it converted and what it did.
    package var copy: CopyPathSummary?
    /// Why the camera was lost (`onSourceLoss: continue`), nil if it was not.
    package var lost: String?

    /// How the camera's frames reached the screen.
    package struct Setup: Sendable, Codable, Equatable {
        /// Who allocated the frame buffers: `"camera memory"`, `"display
        /// memory"`, `"heap NAME"` or `"copy from YUYV"`.
        package var memory: String
        /// The one-line plan the run used; `framepipe plan` lists the rest.
        package var plan: String
        /// The plane that showed it.
        package var plane: UInt32?
        /// "unscaled", "scaled" or "cropped".
        package var placement: String
    }

    /// The report of `source` from its records.
    package init(records: [FrameRecord], source: SourceSummary) {
        let measured = Self.measure(records, hasConversion: source.copy != nil)
        camera = source.camera
        format = source.format
        width = source.width
        height = source.height
        setup = Setup(memory: source.memory, plan: source.plan, plane: source.plane, placement: source.placement)
        shownPerSecond = source.shownPerSecond
        frames = measured.frames
        latencyMilliseconds = measured.latency
        earliestVblank = measured.earliestVblank
        timestampSource = measured.timestampSource
        counters = source.statistics
        copy = source.copyPath
        lost = source.lost
    }

    /// Frames by fate, latency and the earliest-vblank share of `records`.
    static func measure(
        _ records: [FrameRecord], hasConversion: Bool
    ) -> (frames: FrameCounts, latency: LatencyBreakdown, earliestVblank: EarliestVblank, timestampSource: String) {
        let allShown = records.filter { $0.outcome == .shown }
        let shown = records.filter { $0.outcome == .shown && !$0.isModesetFrame }
        let count = { (outcome: FrameOutcome) in records.filter { $0.outcome == outcome }.count }
        var missed: [String: Int] = [:]
        for record in shown { if let late = record.vblanksMissed, late > 0 { missed[String(late), default: 0] += 1 } }
        let onTime = shown.filter { $0.vblanksMissed == 0 }.count
        let sources = Set(records.compactMap(\.timestampSource))
        let frames = FrameCounts(
            total: records.count, captured: records.count - count(.droppedByCamera),
            shown: allShown.count, superseded: count(.superseded), droppedToCatchUp: count(.droppedToCatchUp),
            cameraErrors: count(.cameraError), cameraDropped: count(.droppedByCamera), inFlightAtEnd: count(.inFlight))
        let latency = LatencyBreakdown(
            total: LatencySummary(nanoseconds: shown.compactMap(\.totalNanoseconds)),
            captureSide: LatencySummary(nanoseconds: shown.compactMap(\.captureSideNanoseconds)),
            pipelineSide: LatencySummary(nanoseconds: shown.compactMap(\.pipelineSideNanoseconds)),
            dequeueToCommit: LatencySummary(nanoseconds: shown.compactMap(\.dequeueToCommitNanoseconds)),
            conversion: hasConversion ? LatencySummary(nanoseconds: shown.compactMap(\.conversionNanoseconds)) : nil)
        let earliest = EarliestVblank(share: shown.isEmpty ? 0 : Double(onTime) / Double(shown.count), missed: missed)
        let source = sources.count == 1 ? (sources.first ?? "unknown") : sources.isEmpty ? "unknown" : "mixed"
        return (frames, latency, earliest, source)
    }

    /// The camera's lines of the summary: what it showed, its frames, its
    /// latency (and its copy path).
    var text: [String] {
        let row = BenchmarkReport.latencyRow
        let missedText = earliestVblank.missed.sorted { (Int($0.key) ?? 0) < (Int($1.key) ?? 0) }
            .map { "\($0.value) frame(s) \($0.key) vblank(s) late" }.joined(separator: ", ")
        var lines = [
            "\(camera): \(format) \(width)x\(height), \(setup.memory), plane \(setup.plane.map(String.init) ?? "none") \(setup.placement); timestamps: \(timestampSource)",
            String(format: "%d frames shown (%.2f fps); captured %d, superseded %d, dropped to catch up %d, camera errors %d, dropped by camera %d",
                   frames.shown, shownPerSecond, frames.captured, frames.superseded, frames.droppedToCatchUp,
                   frames.cameraErrors, frames.cameraDropped) + (lost.map { "; lost: \($0)" } ?? ""),
            "latency (capture timestamp → flip vblank):",
            row("total", latencyMilliseconds.total),
            row("capture side", latencyMilliseconds.captureSide),
            row("pipeline side", latencyMilliseconds.pipelineSide),
            row("dequeue→commit", latencyMilliseconds.dequeueToCommit),
        ]
        if let conversion = latencyMilliseconds.conversion { lines.append(row("conversion (CPU)", conversion)) }
        if let line = SourceSummary.copyLine(path: copy?.path, copy: copy?.statistics) { lines.append(line) }
        lines.append(String(format: "earliest possible vblank: %.1f%% of shown frames", earliestVblank.share * 100)
            + (missedText.isEmpty ? "" : "; missed: " + missedText))
        return lines
    }
}
