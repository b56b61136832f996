import Platform
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
    /// the modeset frame; those from the capture timestamp left out when
    /// the timestamps are unusable (``timestampProblem``).
    package var latencyMilliseconds: LatencyBreakdown
    /// How many shown frames made the earliest vblank they could have made:
    /// the first at least 1 ms after the buffer was done, as the kernel
    /// probe counts (``EarliestVblank/init(feasible:periodNanoseconds:timestamps:source:)``).
    package var earliestVblank: EarliestVblank
    /// How many made the first vblank after their dequeue, however close
    /// (what ``earliestVblank`` was before report schema 3).
    package var firstVblankAfterDequeue: EarliestVblank
    /// "start-of-exposure", "end-of-frame", "mixed" or "unknown".
    package var timestampSource: String
    /// Why the buffer timestamps cannot be set against vblank times
    /// (``CaptureTimestamps/problem``); nil when they can.
    package var timestampProblem: String?
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
        /// The camera's media-controller pipeline and its pads' formats
        /// (absent for a plain V4L2 node).
        package var media: String?
    }

    /// The report of `source` from its records, on a display whose vblanks
    /// come every `periodNanoseconds`.
    package init(records: [FrameRecord], source: SourceSummary, periodNanoseconds: Int64) {
        let measured = Self.measure(records, hasConversion: source.copy != nil, periodNanoseconds: periodNanoseconds)
        camera = source.camera
        format = source.format
        width = source.width
        height = source.height
        setup = Setup(memory: source.memory, plan: source.plan, plane: source.plane, placement: source.placement, media: source.media)
        shownPerSecond = source.shownPerSecond
        frames = measured.frames
        latencyMilliseconds = measured.latency
        earliestVblank = measured.earliestVblank
        firstVblankAfterDequeue = measured.firstVblankAfterDequeue
        timestampSource = measured.timestampSource
        timestampProblem = measured.timestamps.problem
        counters = source.statistics
        copy = source.copyPath
        lost = source.lost
    }

    /// What `measure` counts.
    struct Measured {
        var frames: FrameCounts
        var latency: LatencyBreakdown
        var earliestVblank: EarliestVblank
        var firstVblankAfterDequeue: EarliestVblank
        var timestampSource: String
        var timestamps: CaptureTimestamps
    }

    /// Frames by fate, latency and the earliest-vblank shares of `records`.
    static func measure(_ records: [FrameRecord], hasConversion: Bool, periodNanoseconds: Int64) -> Measured {
        let allShown = records.filter { $0.outcome == .shown }
        let flipped = records.filter { $0.outcome == .shown && !$0.isModesetFrame }
        // A flip stamped before its commit has no glass time: counted, not measured.
        let shown = flipped.filter { !$0.flipStampedBeforeCommit }
        let count = { (outcome: FrameOutcome) in records.filter { $0.outcome == outcome }.count }
        let sources = Set(records.compactMap(\.timestampSource))
        let source = sources.count == 1 ? (sources.first ?? "unknown") : sources.isEmpty ? "unknown" : "mixed"
        let timestamps = CaptureTimestamps(records: records)
        let frames = FrameCounts(
            total: records.count, captured: records.count - count(.droppedByCamera),
            shown: allShown.count, superseded: count(.superseded), droppedToCatchUp: count(.droppedToCatchUp),
            cameraErrors: count(.cameraError), cameraDropped: count(.droppedByCamera), inFlightAtEnd: count(.inFlight),
            flipStampedBeforeCommit: flipped.count - shown.count)
        // From the capture timestamp only when it is one: a stamp from the
        // future made these 0.00 (negative spans counted as 1 µs).
        let fromCapture = { (span: (FrameRecord) -> Int64?) in
            timestamps.isUsable ? LatencySummary(nanoseconds: shown.compactMap(span)) : nil
        }
        let latency = LatencyBreakdown(
            total: fromCapture(\.totalNanoseconds), captureSide: fromCapture(\.captureSideNanoseconds),
            pipelineSide: LatencySummary(nanoseconds: shown.compactMap(\.pipelineSideNanoseconds)),
            dequeueToCommit: LatencySummary(nanoseconds: shown.compactMap(\.dequeueToCommitNanoseconds)),
            conversion: hasConversion ? LatencySummary(nanoseconds: shown.compactMap(\.conversionNanoseconds)) : nil)
        return Measured(
            frames: frames, latency: latency,
            earliestVblank: EarliestVblank(feasible: records, periodNanoseconds: periodNanoseconds, timestamps: timestamps, source: source),
            firstVblankAfterDequeue: EarliestVblank(afterDequeue: records), timestampSource: source, timestamps: timestamps)
    }

    /// The camera's lines of the summary: what it showed, its frames, its
    /// latency (and its copy path).
    package var text: [String] {
        let row = BenchmarkReport.latencyRow
        var lines = [
            "\(camera): \(format) \(width)x\(height), \(setup.memory), plane \(setup.plane.map(String.init) ?? "none") \(setup.placement); timestamps: \(timestampSource)",
            "\(frames.shown) frames shown (\(NumberText.fixed(shownPerSecond, 2)) fps); captured \(frames.captured), "
                + "superseded \(frames.superseded), dropped to catch up \(frames.droppedToCatchUp), camera errors \(frames.cameraErrors), "
                + "dropped by camera \(frames.cameraDropped)" + (lost.map { "; lost: \($0)" } ?? ""),
        ]
        if let timestampProblem {
            lines.append("\(camera): buffer timestamps unusable (\(timestampSource)): \(timestampProblem); latency from capture left out")
            lines.append("latency (dequeue → flip vblank):")
        } else {
            lines.append("latency (capture timestamp → flip vblank):")
        }
        if frames.flipStampedBeforeCommit > 0 {
            lines.append("\(camera): \(frames.flipStampedBeforeCommit) flip(s) stamped before their commit "
                + "(the display handled that vblank late); left out of latency")
        }
        if let total = latencyMilliseconds.total { lines.append(row("total", total)) }
        if let captureSide = latencyMilliseconds.captureSide { lines.append(row("capture side", captureSide)) }
        lines.append(row("pipeline side", latencyMilliseconds.pipelineSide))
        lines.append(row("dequeue→commit", latencyMilliseconds.dequeueToCommit))
        if let conversion = latencyMilliseconds.conversion { lines.append(row("conversion (CPU)", conversion)) }
        if let line = SourceSummary.copyLine(path: copy?.path, copy: copy?.statistics) { lines.append(line) }
        lines.append("earliest feasible vblank (the first ≥ \(NumberText.general(earliestVblank.marginMilliseconds)) ms after the buffer "
            + "was done; done: \(earliestVblank.bufferDone)): " + earliestVblank.text)
        lines.append("first vblank after dequeue: " + firstVblankAfterDequeue.text)
        return lines
    }
}
