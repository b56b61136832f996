// framepipe embedded in a program: the first camera on the first connected
// display, zero-copy, for 30 shown frames (or as many as the first argument
// says), printing each frame's capture-to-glass latency and then percentiles.
import FramePipe
import Foundation

let frames = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 30
do {
    let pipeline = try FramePipeline(configuration: PipelineConfiguration())  // "auto" camera and display
    pipeline.onFrame = { frame in
        guard frame.countsTowardLatency, let latency = frame.totalNanoseconds else { return }
        print("frame \(frame.sequence): \(Double(latency) / 1e6) ms capture to glass")
    }
    let summary = try pipeline.run(frames: frames)
    let camera = summary.sources[0]
    let latency = camera.latency
    print("\(camera.statistics.shown) frames shown on \(summary.connector) from \(camera.camera)")
    print("latency p50 \(latency.p50) ms, p90 \(latency.p90) ms, p99 \(latency.p99) ms, max \(latency.max) ms")
} catch {
    FileHandle.standardError.write(Data("minimal-preview: \(error)\n".utf8))
    exit(1)
}
