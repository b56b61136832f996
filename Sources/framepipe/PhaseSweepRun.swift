import FramePipe
import Reporting
import SignalHandling

/// `framepipe bench --phase-sweep N`: N pipelines in a row, each started at
/// the next of N evenly spread phases of the display's refresh period.
struct PhaseSweepRun {
    let configuration: PipelineConfiguration
    let runs: Int
    let frames: Int

    /// Runs the sweep; stops early (and reports what ran) on a signal.
    func run() throws -> (sweep: PhaseSweep, stopReason: StopReason) {
        var results: [PhaseSweep.Run] = []
        var refreshHz = 0.0
        var lastStop = StopReason.frameCount
        for index in 0..<runs {
            let phase = Double(index) / Double(runs)
            let pipeline = try FramePipeline(configuration: configuration)
            refreshHz = pipeline.displayPlan.mode.refreshRate
            var records: [FrameRecord] = []
            records.reserveCapacity(frames * 2)
            pipeline.onFrame = { records.append($0) }
            let signals = SignalRelay(stopping: pipeline)
            pipeline.start(frames: frames, startPhase: phase)
            let summary = try pipeline.wait()
            signals.uninstall()
            let period = refreshHz > 0 ? Int64(1e9 / refreshHz) : 0
            results.append(PhaseSweep.Run(records: records, startPhase: phase, periodNanoseconds: period))
            lastStop = summary.stopReason
            if summary.stopReason != .frameCount { break }
        }
        return (PhaseSweep(refreshHz: refreshHz, framesPerRun: frames, runs: results), lastStop)
    }
}
