import Platform
import Pipeline

/// `phase-sweep.json` of `framepipe bench --phase-sweep N`: N short runs
/// whose camera was started at evenly spread phases of the display's
/// refresh period, each with its latency and its share of frames on the
/// earliest vblank. A camera at the display's rate keeps its phase for the
/// whole run, so this shows how a pipeline fares wherever its frames fall.
package struct PhaseSweep: Sendable, Codable, Equatable {
    /// One run of the sweep.
    package struct Run: Sendable, Codable, Equatable {
        /// Where in the refresh period `VIDIOC_STREAMON` was issued, as a
        /// fraction after a vblank (0 ≤ phase < 1).
        package var startPhase: Double
        /// Where in the refresh period the frames were dequeued (median of
        /// (dequeue − flip vblank) modulo the period, as a fraction); nil
        /// when no frame was shown.
        package var dequeuePhase: Double?
        /// Frames shown, the modeset's included.
        package var shown: Int
        /// Frames dropped to leave a one-vblank-late lock.
        package var droppedToCatchUp: Int
        /// Frames a newer one superseded.
        package var superseded: Int
        /// Capture timestamp → flip vblank, shown frames but the modeset's;
        /// nil when the timestamps are unusable (``timestampProblem``).
        package var latencyMilliseconds: LatencySummary?
        /// Share of those on the earliest feasible vblank: the first at
        /// least 1 ms after the buffer was done, as the kernel probe counts
        /// (``EarliestVblank``).
        package var earliestVblankShare: Double
        /// Share of those on the first vblank after their dequeue, however
        /// close.
        package var firstVblankAfterDequeueShare: Double
        /// Why the buffer timestamps cannot be set against vblank times;
        /// nil when they can.
        package var timestampProblem: String?

        /// The run of `records` (sorted or not), started at `startPhase`.
        package init(records: [FrameRecord], startPhase: Double, periodNanoseconds: Int64) {
            self.startPhase = startPhase
            let counted = records.filter(\.countsTowardLatency)
            let timestamps = CaptureTimestamps(records: records)
            shown = records.filter { $0.outcome == .shown }.count
            droppedToCatchUp = records.filter { $0.outcome == .droppedToCatchUp }.count
            superseded = records.filter { $0.outcome == .superseded }.count
            timestampProblem = timestamps.problem
            latencyMilliseconds = timestamps.isUsable ? LatencySummary(nanoseconds: counted.compactMap(\.totalNanoseconds)) : nil
            let sources = Set(records.compactMap(\.timestampSource))
            earliestVblankShare = EarliestVblank(
                feasible: records, periodNanoseconds: periodNanoseconds, timestamps: timestamps,
                source: sources.count == 1 ? sources.first ?? "unknown" : "mixed").share
            firstVblankAfterDequeueShare = EarliestVblank(afterDequeue: records).share
            let phases = records.filter { $0.outcome == .shown && !$0.isModesetFrame }.compactMap { record -> Double? in
                guard let dequeue = record.dequeueNanoseconds, let flip = record.flipNanoseconds, periodNanoseconds > 0 else { return nil }
                let offset = ((dequeue - flip) % periodNanoseconds + periodNanoseconds) % periodNanoseconds
                return Double(offset) / Double(periodNanoseconds)
            }.sorted()
            dequeuePhase = phases.isEmpty ? nil : phases[phases.count / 2]
        }
    }

    /// The display's refresh rate.
    package var refreshHz: Double
    /// Shown frames each run was asked for.
    package var framesPerRun: Int
    /// The runs, by start phase.
    package var runs: [Run]

    /// A sweep with these runs.
    package init(refreshHz: Double, framesPerRun: Int, runs: [Run]) {
        self.refreshHz = refreshHz
        self.framesPerRun = framesPerRun
        self.runs = runs
    }

    /// One line per run, for the terminal, and a line for each run whose
    /// timestamps were unusable.
    package var text: String {
        var lines = ["phase sweep: \(runs.count) runs of \(framesPerRun) frames, display \(NumberText.fixed(refreshHz, 3)) Hz",
                     "start phase  dequeue phase  p50 ms  p90 ms  p99 ms  earliest feasible vblank  first after dequeue  dropped to catch up  superseded"]
        func ms(_ value: Double?) -> String { value.map { NumberText.fixed($0, 2) } ?? "-" }
        for run in runs {
            let latency = run.latencyMilliseconds
            // The text columns (dequeue phase, p50, p90, p99) were never padded:
            // String(format:) ignored a width on %@, and the table kept that.
            lines.append(NumberText.fixed(run.startPhase, 3, width: 11) + "  " + (run.dequeuePhase.map { NumberText.fixed($0, 3) } ?? "-")
                + "  \(ms(latency?.p50Milliseconds))  \(ms(latency?.p90Milliseconds))  \(ms(latency?.p99Milliseconds))  "
                + NumberText.fixed(run.earliestVblankShare * 100, 1, width: 23) + "%  "
                + NumberText.fixed(run.firstVblankAfterDequeueShare * 100, 1, width: 18) + "%  "
                + NumberText.integer(run.droppedToCatchUp, width: 19) + "  " + NumberText.integer(run.superseded, width: 10))
        }
        for run in runs {
            if let problem = run.timestampProblem {
                lines.append("phase \(NumberText.fixed(run.startPhase, 3)): buffer timestamps unusable: \(problem); latency left out")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// phase-sweep.svg: latency (p50, p90, p99) and the share on the
    /// earliest vblank against the phase at which the camera started.
    package var svg: String {
        let left = 70.0, top = 60.0, width = 600.0, height = 220.0, gap = 70.0
        let measured = runs.filter { $0.latencyMilliseconds != nil }
        let maxLatency = max(1, (measured.compactMap(\.latencyMilliseconds?.p99Milliseconds).max() ?? 1) * 1.1)
        var out = """
        <svg xmlns="http://www.w3.org/2000/svg" width="760" height="\(Int(top + 2 * height + gap + 60))" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="20" y="28" font-size="16">framepipe phase sweep: \(runs.count) runs of \(framesPerRun) frames, display \(NumberText.fixed(refreshHz, 3)) Hz</text>

        """
        func x(_ phase: Double) -> Double { left + phase * width }
        func panel(_ y: Double, _ label: String, _ yMax: Double, _ yText: (Double) -> String) -> String {
            var box = "<rect x=\"\(f(left))\" y=\"\(f(y))\" width=\"\(f(width))\" height=\"\(f(height))\" fill=\"none\" stroke=\"#888\"/>\n"
            for tick in 0...4 {
                let fraction = Double(tick) / 4
                box += "<text x=\"\(f(x(fraction)))\" y=\"\(f(y + height + 16))\" text-anchor=\"middle\">\(f(fraction))</text>\n"
                box += "<text x=\"\(f(left - 6))\" y=\"\(f(y + height - fraction * height + 4))\" text-anchor=\"end\">\(yText(fraction * yMax))</text>\n"
            }
            box += "<text x=\"\(f(left + width / 2))\" y=\"\(f(y + height + 34))\" text-anchor=\"middle\">camera start phase (fraction of a refresh period after a vblank)</text>\n"
            box += "<text transform=\"translate(\(f(left - 48)),\(f(y + height / 2))) rotate(-90)\" text-anchor=\"middle\">\(label)</text>\n"
            return box
        }
        func line(_ y: Double, _ yMax: Double, _ colour: String, _ runs: [Run], _ value: (Run) -> Double) -> String {
            let points = runs.map { "\(f(x($0.startPhase))),\(f(y + height - value($0) / yMax * height))" }.joined(separator: " ")
            var path = "<polyline points=\"\(points)\" fill=\"none\" stroke=\"\(colour)\"/>\n"
            for run in runs {
                path += "<circle cx=\"\(f(x(run.startPhase)))\" cy=\"\(f(y + height - value(run) / yMax * height))\" r=\"3\" fill=\"\(colour)\"/>\n"
            }
            return path
        }
        out += panel(top, "latency (ms)", maxLatency) { f($0) }
        // Runs with unusable timestamps have no latency: no point, not 0.
        for (name, colour, value) in [("p50", "#2a9d2a", { (run: Run) in run.latencyMilliseconds?.p50Milliseconds ?? 0 }),
                                      ("p90", "#4878a8", { (run: Run) in run.latencyMilliseconds?.p90Milliseconds ?? 0 }),
                                      ("p99", "#d04040", { (run: Run) in run.latencyMilliseconds?.p99Milliseconds ?? 0 })] where !measured.isEmpty {
            out += line(top, maxLatency, colour, measured, value)
            out += "<text x=\"\(f(left + width + 8))\" y=\"\(f(top + height - (measured.last.map(value) ?? 0) / maxLatency * height + 4))\" fill=\"\(colour)\">\(name)</text>\n"
        }
        let lower = top + height + gap
        out += panel(lower, "on the earliest vblank (%)", 100) { NumberText.fixed($0, 0) }
        out += line(lower, 100, "#4878a8", runs) { $0.earliestVblankShare * 100 }
        out += line(lower, 100, "#e0a000", runs) { $0.firstVblankAfterDequeueShare * 100 }
        out += "<text x=\"\(f(left + width + 8))\" y=\"\(f(lower + 12))\" fill=\"#4878a8\">feasible</text>\n"
        out += "<text x=\"\(f(left + width + 8))\" y=\"\(f(lower + 28))\" fill=\"#e0a000\">after dequeue</text>\n"
        out += "</svg>\n"
        return out
    }

    private func f(_ value: Double) -> String { NumberText.fixed(value, 1) }
}
