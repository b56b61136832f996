import ArgumentParser
import FramePipe
import Foundation
import Reporting
import SignalHandling

/// `bench` with several cameras on one screen.
extension Bench {
    func runComposite(_ pipeline: PipelineConfiguration) throws {
        if phaseSweep != nil || countAllocations {
            throw ValidationError("--phase-sweep and --count-allocations measure one camera; the file lists \(pipeline.sources.count)")
        }
        let session = try pipelineOptions.makeComposite(pipeline)
        if explain {
            for source in session.sources { FileHandle.standardError.write(Data((source.plan.explanation + "\n").utf8)) }
        }
        let refreshHz = session.display.plan.mode.refreshRate
        let logs = session.sources.map { _ in FrameLog(expectedFrames: frames) }
        var cpuStart: (user: Double, system: Double)?
        var cpuEnd: (user: Double, system: Double)?
        var shownWhileTimed = 0
        let endWindow = { if cpuEnd == nil { cpuEnd = processCPUSeconds() } }
        session.onFrame = { source, record in
            // As for one camera: CPU is counted from the first frame's fate
            // on, so that opening, allocating and the modeset stay out.
            if cpuStart == nil {
                cpuStart = processCPUSeconds()
            } else if record.outcome == .shown, cpuEnd == nil {
                shownWhileTimed += 1
            }
            logs[source].append(record)
        }
        let signals = SignalRelay(stopping: session)
        defer { signals.uninstall() }
        let summary = try session.run(frames: frames, beforeTeardown: { _ in endWindow() })
        let end = cpuEnd ?? processCPUSeconds()
        let start = cpuStart ?? end
        let records = logs.map(\.bySequence)
        let report = CompositeBenchmarkReport.make(
            records: records, summary: summary, refreshHz: refreshHz,
            cpu: (end.user - start.user, end.system - start.system, shownWhileTimed))
        let json = try reportJSON(report)
        if let out {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            try write(json, to: out + "/report.json")
            let csv = FramesCSV.render(sources: zip(summary.sources, records).map { ($0.camera, $1) })
            try write(Data(csv.utf8), to: out + "/frames.csv")
        }
        if self.json {
            FileHandle.standardOutput.write(json)
        } else {
            print(report.text)
            if let out { print("written: \(out)/report.json, \(out)/frames.csv") }
        }
        try exitForSignal(summary.stopReason)
    }
}
