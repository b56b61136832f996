import Foundation
import Histogram

/// Percentiles of one latency, in milliseconds, from an HDR histogram
/// recorded in microseconds (3 significant digits).
public struct LatencySummary: Sendable, Codable, Equatable {
    public var count: Int
    public var min: Double
    public var mean: Double
    public var p50: Double
    public var p90: Double
    public var p99: Double
    public var p99_9: Double
    public var max: Double

    public static let empty = LatencySummary(count: 0, min: 0, mean: 0, p50: 0, p90: 0, p99: 0, p99_9: 0, max: 0)

    public init(count: Int, min: Double, mean: Double, p50: Double, p90: Double, p99: Double, p99_9: Double, max: Double) {
        self.count = count
        self.min = min
        self.mean = mean
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
        self.p99_9 = p99_9
        self.max = max
    }

    /// Summarises nanosecond samples. Negative samples (a timestamp from the
    /// future, as with end-of-frame stamps) are clamped to 0 and counted in
    /// `count`; the report says which timestamp source was used.
    public init(nanoseconds samples: [Int64]) {
        guard !samples.isEmpty else {
            self = .empty
            return
        }
        var histogram = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
        for sample in samples { _ = histogram.record(UInt64(Swift.max(1, sample / 1000))) }
        func ms(_ microseconds: UInt64) -> Double { Double(microseconds) / 1000 }
        self.init(
            count: samples.count, min: ms(histogram.min), mean: histogram.mean / 1000,
            p50: ms(histogram.valueAtPercentile(50)), p90: ms(histogram.valueAtPercentile(90)),
            p99: ms(histogram.valueAtPercentile(99)), p99_9: ms(histogram.valueAtPercentile(99.9)),
            max: ms(histogram.max))
    }
}

/// `report.json` of `framepipe bench`. Its schema is documented in the README.
public struct BenchmarkReport: Sendable, Codable, Equatable {
    public var schemaVersion = 1
    public var camera: String
    public var card: String
    public var format: String
    public var width: Int
    public var height: Int
    public var mode: String
    public var refreshHz: Double
    public var seconds: Double
    public var shownPerSecond: Double
    public var frames: Frames
    public var latencyMilliseconds: Latencies
    public var earliestVblank: EarliestVblank
    public var cpu: CPU
    public var allocations: Allocations
    /// "start-of-exposure", "end-of-frame", "mixed" or "unknown".
    public var timestampSource: String
    public var poolViolations: [String]

    public struct Frames: Sendable, Codable, Equatable {
        /// Every frame the camera numbered during the run (delivered or not).
        public var total: Int
        public var captured: Int
        public var shown: Int
        public var superseded: Int
        public var cameraErrors: Int
        public var cameraDropped: Int
        public var inFlightAtEnd: Int
    }

    public struct Latencies: Sendable, Codable, Equatable {
        /// Flip vblank − capture timestamp.
        public var total: LatencySummary
        /// Dequeue − capture timestamp.
        public var captureSide: LatencySummary
        /// Flip vblank − dequeue.
        public var pipelineSide: LatencySummary
    }

    public struct EarliestVblank: Sendable, Codable, Equatable {
        /// Share of shown frames that made the first vblank after their dequeue.
        public var share: Double
        /// Shown frames by vblanks missed ("1": frames one vblank late, ...).
        public var missed: [String: Int]
    }

    public struct CPU: Sendable, Codable, Equatable {
        public var userSeconds: Double
        public var systemSeconds: Double
        public var perShownFrameMilliseconds: Double
    }

    public struct Allocations: Sendable, Codable, Equatable {
        /// False when the malloc interposer was not preloaded.
        public var measured: Bool
        /// Heap allocations of the whole process per shown frame, counted
        /// after warm-up until the end of streaming.
        public var perFrameSteadyState: Double?
        public var framesMeasured: Int
        public var allocationsMeasured: Int

        public init(measured: Bool, perFrameSteadyState: Double?, framesMeasured: Int, allocationsMeasured: Int) {
            self.measured = measured
            self.perFrameSteadyState = perFrameSteadyState
            self.framesMeasured = framesMeasured
            self.allocationsMeasured = allocationsMeasured
        }
    }

    /// Builds the report from per-frame records and run-level measurements.
    public static func make(
        records: [FrameRecord], summary: PreviewSummary, refreshHz: Double,
        cpu: (user: Double, system: Double), allocations: Allocations
    ) -> BenchmarkReport {
        let allShown = records.filter { $0.outcome == .shown }
        // The first shown frame rode on the modeset commit: its event carries
        // the modeset's vblank, not a page flip's, so it is listed in
        // frames.csv but kept out of the latency and vblank statistics.
        let shown = Array(allShown.dropFirst(allShown.count > 1 ? 1 : 0))
        let count = { (outcome: FrameOutcome) in records.filter { $0.outcome == outcome }.count }
        var missed: [String: Int] = [:]
        for record in shown { if let late = record.vblanksMissed, late > 0 { missed[String(late), default: 0] += 1 } }
        let onTime = shown.filter { $0.vblanksMissed == 0 }.count
        let sources = Set(records.compactMap(\.timestampSource))
        return BenchmarkReport(
            camera: summary.camera, card: summary.card, format: summary.format,
            width: summary.width, height: summary.height, mode: summary.mode, refreshHz: refreshHz,
            seconds: summary.seconds, shownPerSecond: summary.shownPerSecond,
            frames: Frames(total: records.count, captured: records.count - count(.droppedByCamera),
                           shown: allShown.count, superseded: count(.superseded), cameraErrors: count(.cameraError),
                           cameraDropped: count(.droppedByCamera), inFlightAtEnd: count(.inFlight)),
            latencyMilliseconds: Latencies(
                total: LatencySummary(nanoseconds: shown.compactMap(\.totalNanoseconds)),
                captureSide: LatencySummary(nanoseconds: shown.compactMap(\.captureSideNanoseconds)),
                pipelineSide: LatencySummary(nanoseconds: shown.compactMap(\.pipelineSideNanoseconds))),
            earliestVblank: EarliestVblank(share: shown.isEmpty ? 0 : Double(onTime) / Double(shown.count), missed: missed),
            cpu: CPU(userSeconds: cpu.user, systemSeconds: cpu.system,
                     perShownFrameMilliseconds: allShown.isEmpty ? 0 : (cpu.user + cpu.system) * 1000 / Double(allShown.count)),
            allocations: allocations,
            timestampSource: sources.count == 1 ? (sources.first ?? "unknown") : sources.isEmpty ? "unknown" : "mixed",
            poolViolations: summary.poolViolations)
    }

    /// frames.csv: one line per camera frame.
    public static func csv(_ records: [FrameRecord]) -> String {
        var out = "sequence,outcome,buffer,timestamp_source,capture_ns,dequeue_ns,commit_ns,flip_ns,vblank_sequence,vblanks_missed,total_ms,capture_side_ms,pipeline_side_ms\n"
        func field<T>(_ value: T?) -> String { value.map { "\($0)" } ?? "" }
        func ms(_ value: Int64?) -> String { value.map { String(format: "%.3f", Double($0) / 1e6) } ?? "" }
        for r in records {
            out += [String(r.sequence), r.outcome.rawValue, field(r.bufferIndex), field(r.timestampSource),
                    field(r.captureNanoseconds), field(r.dequeueNanoseconds), field(r.commitNanoseconds), field(r.flipNanoseconds),
                    field(r.vblankSequence), field(r.vblanksMissed), ms(r.totalNanoseconds), ms(r.captureSideNanoseconds),
                    ms(r.pipelineSideNanoseconds)].joined(separator: ",") + "\n"
        }
        return out
    }

    /// The human-readable summary printed by `framepipe bench`.
    public var text: String {
        func row(_ name: String, _ l: LatencySummary) -> String {
            String(format: "  %-14@ p50 %7.2f  p90 %7.2f  p99 %7.2f  p99.9 %7.2f  max %7.2f ms  (n=%d)",
                   name as NSString, l.p50, l.p90, l.p99, l.p99_9, l.max, l.count)
        }
        let missedText = earliestVblank.missed.sorted { (Int($0.key) ?? 0) < (Int($1.key) ?? 0) }
            .map { "\($0.value) frame(s) \($0.key) vblank(s) late" }.joined(separator: ", ")
        return [
            "\(camera) → \(card): \(format) \(width)x\(height), display \(mode); timestamps: \(timestampSource)",
            String(format: "%d frames shown in %.2f s (%.2f fps); captured %d, superseded %d, camera errors %d, dropped by camera %d",
                   frames.shown, seconds, shownPerSecond, frames.captured, frames.superseded, frames.cameraErrors, frames.cameraDropped),
            "latency (capture timestamp → flip vblank):",
            row("total", latencyMilliseconds.total),
            row("capture side", latencyMilliseconds.captureSide),
            row("pipeline side", latencyMilliseconds.pipelineSide),
            String(format: "earliest possible vblank: %.1f%% of shown frames", earliestVblank.share * 100)
                + (missedText.isEmpty ? "" : "; missed: " + missedText),
            String(format: "CPU: %.1f ms per shown frame (user %.2f s, sys %.2f s)", cpu.perShownFrameMilliseconds, cpu.userSeconds, cpu.systemSeconds),
            allocations.measured
                ? String(format: "heap allocations per frame in steady state: %.2f (%d over %d frames)",
                         allocations.perFrameSteadyState ?? 0, allocations.allocationsMeasured, allocations.framesMeasured)
                : "heap allocations: not measured (malloc interposer not preloaded)",
        ].joined(separator: "\n")
    }
}
