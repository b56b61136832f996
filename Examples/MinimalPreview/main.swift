// framepipe embedded in a program: the first camera on the first connected
// display, zero-copy, for 30 shown frames (or as many as the first argument
// says), printing each frame's capture-to-glass latency and then percentiles.
// Every span of time the library gives is a `Duration`; this program prints
// them in milliseconds.
import FramePipe

#if canImport(Glibc)
import Glibc
#endif

/// "12.34 ms".
func milliseconds(_ duration: Duration) -> String {
    NumberText.fixed(duration / .milliseconds(1), 2) + " ms"
}

let frames = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 30
do {
    let pipeline = try FramePipeline(configuration: PipelineConfiguration())  // "auto" camera and display
    pipeline.onFrame = { frame in
        if frame.flipStampedBeforeCommit {  // a driver that handled that vblank late: no glass time
            print("frame \(frame.sequence): flip stamped before its commit")
        }
        guard frame.countsTowardLatency, let latency = frame.total else { return }
        print("frame \(frame.sequence): \(milliseconds(latency)) capture to glass")
    }
    let summary = try pipeline.run(frames: frames)
    let camera = summary.sources[0]
    let latency = camera.latency
    print("\(camera.statistics.shown) frames shown on \(summary.connector) from \(camera.camera)")
    if let leftOut = latency.leftOut {
        print("latency left out: \(leftOut)")  // a camera whose stamps are no capture times
    } else {
        print("latency p50 \(milliseconds(latency.p50)), p90 \(milliseconds(latency.p90)), p99 \(milliseconds(latency.p99)), max \(milliseconds(latency.max))")
    }
} catch {
    StandardStream.error.write("minimal-preview: \(error)\n")
    exit(1)
}
