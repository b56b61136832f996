import Platform
import Pipeline

/// `report.json` of `framepipe bench`: the run (display, commits, CPU,
/// event loop, start-up, allocations) and a ``CameraReport`` per camera.
/// Its schema is documented in the README.
package struct BenchmarkReport: Sendable, Codable, Equatable {
    /// Version of this JSON layout. 3: a camera's ``CameraReport/earliestVblank``
    /// is the earliest feasible vblank (the probe's rule), the old figure
    /// is ``CameraReport/firstVblankAfterDequeue``, and with unusable
    /// timestamps ``CameraReport/timestampProblem`` says why and
    /// `latencyMilliseconds` has no `total` or `captureSide`. 2: the
    /// cameras in ``cameras`` (one entry for one camera). 1: one camera's
    /// fields at the top.
    package var schemaVersion = 3
    /// The display's card (`"/dev/dri/card0"`).
    package var card: String
    /// The display mode set (`"1024x768@60.004Hz (preferred)"`).
    package var mode: String
    /// The mode's vertical refresh rate in hertz, from its timings.
    package var refreshHz: Double
    /// Seconds of streaming, from `VIDIOC_STREAMON` to the stop.
    package var seconds: Double
    /// Each camera, in the pipeline's order.
    package var cameras: [CameraReport]
    /// The display's commits (planes per commit, flips per vblank).
    package var commits: CommitStatistics
    /// Process CPU time while streaming, per frame shown by any camera.
    package var cpu: CPUCost
    /// What the event loop costs per shown frame: system calls and
    /// context switches, counted over the same span as ``cpu``.
    package var eventLoop: EventLoopCost
    /// Time to the first frame.
    package var startup: StartupTimes
    /// Heap allocations in steady state.
    package var allocations: AllocationCount
    /// Buffer-pool invariant violations seen during the run; empty in a
    /// correct run.
    package var poolViolations: [String]

    /// The run's measurements besides the per-frame records.
    package struct Measurements {
        /// CPU seconds over the measured span and the frames shown in it.
        package var cpu: (user: Double, system: Double, shownFrames: Int)
        /// Allocations counted.
        package var allocations: AllocationCount
        /// System calls and context switches.
        package var eventLoop: EventLoopCost
        /// Start-up times.
        package var startup: StartupTimes

        /// Measurements with these values.
        package init(cpu: (user: Double, system: Double, shownFrames: Int), allocations: AllocationCount, eventLoop: EventLoopCost, startup: StartupTimes) {
            self.cpu = cpu
            self.allocations = allocations
            self.eventLoop = eventLoop
            self.startup = startup
        }
    }

    /// Builds the report from each camera's records (by source position)
    /// and the run's measurements.
    package static func make(
        records: [[FrameRecord]], summary: PipelineSummary, refreshHz: Double, measurements: Measurements, firstShownSource: Int? = nil
    ) -> BenchmarkReport {
        let period = refreshHz > 0 ? Int64((1e9 / refreshHz).rounded()) : 0
        let cameras = summary.sources.enumerated().map { index, source in
            CameraReport(records: records.indices.contains(index) ? records[index] : [], source: source, periodNanoseconds: period)
        }
        // A camera whose stamps are unusable gives no capture time for its
        // first frame either, even when that one stamp looks plausible (an
        // end-of-frame stamp of a frame that waited before its dequeue).
        var startup = measurements.startup
        if let index = firstShownSource, cameras.indices.contains(index), cameras[index].timestampProblem != nil {
            startup.firstFrame?.capturedMilliseconds = nil
        }
        let cpu = measurements.cpu
        var eventLoop = measurements.eventLoop
        eventLoop.loop = summary.eventLoop
        return BenchmarkReport(
            card: summary.card, mode: summary.mode, refreshHz: refreshHz, seconds: summary.seconds, cameras: cameras,
            commits: summary.commits,
            cpu: CPUCost(userSeconds: cpu.user, systemSeconds: cpu.system,
                         perShownFrameMilliseconds: cpu.shownFrames == 0 ? 0 : (cpu.user + cpu.system) * 1000 / Double(cpu.shownFrames)),
            eventLoop: eventLoop, startup: startup, allocations: measurements.allocations,
            poolViolations: summary.poolViolations)
    }

    static func latencyRow(_ name: String, _ l: LatencySummary) -> String {
        // The name was never padded: String(format:) ignored "%-14@"'s width.
        func ms(_ value: Double) -> String { NumberText.fixed(value, 2, width: 7) }
        return "  \(name) p50 \(ms(l.p50Milliseconds))  p90 \(ms(l.p90Milliseconds))  p99 \(ms(l.p99Milliseconds))  "
            + "p99.9 \(ms(l.p99_9Milliseconds))  max \(ms(l.maxMilliseconds)) ms  (n=\(l.count))"
    }

    /// The summary `framepipe bench` prints: the display, each camera, then
    /// the costs of the whole run.
    package var text: String {
        let c = commits
        var lines = [
            "\(cameras.count == 1 ? "1 camera" : "\(cameras.count) cameras") → \(card): display \(mode); "
                + "\(NumberText.fixed(seconds, 2)) s; commits \(c.commits) carrying \(c.planeUpdates) plane updates "
                + "(\(NumberText.fixed(c.commits > 0 ? Double(c.planeUpdates) / Double(c.commits) : 0, 2)) per commit); "
                + "flips \(c.flips) over \(c.vblanksSpanned) vblanks, at most \(c.maximumCommitsPerVblank) per vblank",
        ]
        for camera in cameras { lines += camera.text }
        lines += [
            "CPU: \(NumberText.fixed(cpu.perShownFrameMilliseconds, 2)) ms per shown frame\(cameras.count > 1 ? ", all cameras" : "") "
                + "(user \(NumberText.fixed(cpu.userSeconds, 2)) s, sys \(NumberText.fixed(cpu.systemSeconds, 2)) s)",
            (eventLoop.systemCallsPerShownFrame.map { "system calls: \(NumberText.fixed($0, 1)) per shown frame" }
                ?? "system calls: not counted (\(eventLoop.systemCallsNotMeasured ?? "unknown"))")
                + "; context switches: \(NumberText.fixed(eventLoop.contextSwitchesPerShownFrame, 1)) per shown frame"
                + "; event loop: \(eventLoop.loop)",
            startup.text,
            !allocations.measured
                ? "heap allocations: not counted (--count-allocations, with the malloc interposer built)"
                : allocations.perFrameSteadyState.map {
                    "heap allocations per frame in steady state: \(NumberText.fixed($0, 2)) "
                        + "(\(allocations.allocationsMeasured) over \(allocations.framesMeasured) frames)"
                } ?? "heap allocations per frame in steady state: none measured (no frame shown after the warm-up; --frames must exceed --warmup)",
            "buffer-pool violations: \(poolViolations.count)",
        ]
        return lines.joined(separator: "\n")
    }
}
