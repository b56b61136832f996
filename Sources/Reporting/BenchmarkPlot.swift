import Platform
import Pipeline

/// latency.svg: the distribution of capture-to-glass latency (left) and the
/// latency of each frame over the run (right), readable at a glance.
package enum BenchmarkPlot {
    /// The SVG document (1060x440 pixels) for one camera's `records`,
    /// sorted by sequence as ``FrameLog/bySequence`` returns them; titles
    /// and p50/p99 lines come from its `report`, shown in display `mode`.
    /// Latencies are plotted in milliseconds.
    package static func svg(records: [FrameRecord], report: CameraReport, mode: String) -> String {
        // The frames the report's percentiles are over (not the modeset's),
        // so that the histogram and the p50/p99 lines drawn on it agree.
        // None when the timestamps are unusable: their spans are no latencies.
        let shown = report.timestampProblem == nil ? records.filter(\.countsTowardLatency) : []
        let latencies = shown.compactMap { $0.totalNanoseconds.map { Double($0) / 1e6 } }
        let width = 1060.0, height = 440.0, panel = 440.0, top = 78.0, plotHeight = 300.0
        let maxLatency = max(1, (latencies.max() ?? 1) * 1.1)
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="20" y="24" font-size="16">framepipe capture → glass latency: \(escape(report.camera)) \(escape(report.format)) \(report.width)x\(report.height)</text>
        <text x="20" y="44">display \(escape(mode)); camera timestamps: \(report.timestampSource)</text>
        <text x="20" y="62">\(report.frames.shown) frames shown, \(f(report.shownPerSecond)) fps; \(latencyText(report)); \(f(report.earliestVblank.share * 100))% on the earliest feasible vblank</text>

        """
        // Left panel: histogram.
        let left = 60.0
        let bins = 40
        var counts = Array(repeating: 0, count: bins)
        for value in latencies { counts[min(bins - 1, max(0, Int(value / maxLatency * Double(bins))))] += 1 }
        let maxCount = Double(max(1, counts.max() ?? 1))
        svg += axes(x: left, y: top, width: panel, height: plotHeight,
                    xLabel: "latency (ms)", yLabel: "frames", xMax: maxLatency, yMax: maxCount)
        let binWidth = panel / Double(bins)
        for (index, count) in counts.enumerated() where count > 0 {
            let h = Double(count) / maxCount * plotHeight
            svg += "<rect x=\"\(f(left + Double(index) * binWidth))\" y=\"\(f(top + plotHeight - h))\" width=\"\(f(binWidth - 1))\" height=\"\(f(h))\" fill=\"#4878a8\"/>\n"
        }
        let total = report.latencyMilliseconds.total
        for (label, value, colour) in total.map({ [("p50", $0.p50Milliseconds, "#2a9d2a"), ("p99", $0.p99Milliseconds, "#d04040")] }) ?? [] {
            let x = left + value / maxLatency * panel
            svg += "<line x1=\"\(f(x))\" y1=\"\(f(top))\" x2=\"\(f(x))\" y2=\"\(f(top + plotHeight))\" stroke=\"\(colour)\" stroke-dasharray=\"4 3\"/>\n"
            svg += "<text x=\"\(f(x + 3))\" y=\"\(f(top + 12))\" fill=\"\(colour)\">\(label) \(f(value))</text>\n"
        }
        // Right panel: latency per frame over time.
        let right = left + panel + 80
        let first = records.first?.sequence ?? 0
        let span = Double(max(1, Int(records.last?.sequence ?? 0) - Int(first)))
        svg += axes(x: right, y: top, width: panel, height: plotHeight,
                    xLabel: "camera frame (sequence)", yLabel: "latency (ms)", xMax: span, yMax: maxLatency)
        for record in shown {
            guard let total = record.totalNanoseconds else { continue }
            let x = right + Double(Int(record.sequence) - Int(first)) / span * panel
            let y = top + plotHeight - Double(total) / 1e6 / maxLatency * plotHeight
            svg += "<circle cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"2\" fill=\"#4878a8\"/>\n"
        }
        for record in records where record.outcome == .superseded || record.outcome == .droppedToCatchUp
            || record.outcome == .droppedByCamera || record.outcome == .cameraError {
            let x = right + Double(Int(record.sequence) - Int(first)) / span * panel
            let colour = record.outcome == .superseded || record.outcome == .droppedToCatchUp ? "#e0a000" : "#d04040"
            svg += "<line x1=\"\(f(x))\" y1=\"\(f(top + plotHeight - 6))\" x2=\"\(f(x))\" y2=\"\(f(top + plotHeight))\" stroke=\"\(colour)\"/>\n"
        }
        svg += "<text x=\"\(f(right))\" y=\"\(f(height - 14))\">ticks at the bottom: orange = superseded or dropped to catch up, red = dropped by camera or camera error</text>\n"
        svg += "</svg>\n"
        return svg
    }

    /// "p50 20.1 ms, p99 31.0 ms, max 33.2 ms", or why there is none.
    private static func latencyText(_ report: CameraReport) -> String {
        guard let total = report.latencyMilliseconds.total else {
            return "no latency: timestamps unusable (\(escape(report.timestampProblem ?? "unknown")))"
        }
        return "p50 \(f(total.p50Milliseconds)) ms, p99 \(f(total.p99Milliseconds)) ms, max \(f(total.maxMilliseconds)) ms"
    }

    private static func axes(x: Double, y: Double, width: Double, height: Double, xLabel: String, yLabel: String, xMax: Double, yMax: Double) -> String {
        var out = "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(width))\" height=\"\(f(height))\" fill=\"none\" stroke=\"#888\"/>\n"
        for tick in 0...4 {
            let fraction = Double(tick) / 4
            out += "<text x=\"\(f(x + fraction * width))\" y=\"\(f(y + height + 16))\" text-anchor=\"middle\">\(f(fraction * xMax))</text>\n"
            out += "<text x=\"\(f(x - 6))\" y=\"\(f(y + height - fraction * height + 4))\" text-anchor=\"end\">\(f(fraction * yMax))</text>\n"
        }
        out += "<text x=\"\(f(x + width / 2))\" y=\"\(f(y + height + 34))\" text-anchor=\"middle\">\(xLabel)</text>\n"
        out += "<text transform=\"translate(\(f(x - 40)),\(f(y + height / 2))) rotate(-90)\" text-anchor=\"middle\">\(yLabel)</text>\n"
        return out
    }

    private static func f(_ value: Double) -> String { NumberText.fixed(value, 1) }

    private static func escape(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "'": escaped += "&apos;"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
