// framepipe embedded with several cameras: every capture node it finds (up
// to four) on the first connected display, in a grid, zero-copy, until each
// has shown 60 frames (or as many as the first argument says); then a line
// per camera. A display with fewer planes than cameras takes fewer cameras.
import FramePipe

#if canImport(Glibc)
import Glibc
#endif

/// "12.34 ms": every span of time the library gives is a `Duration`.
func milliseconds(_ duration: Duration) -> String {
    NumberText.fixed(duration / .milliseconds(1), 2) + " ms"
}

let frames = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 60
var cameras = Array(videoDeviceNodes().filter { path in
    (try? VideoDevice.open(path).describe().captureBufferType) != nil
}.prefix(4))
guard !cameras.isEmpty else {
    StandardStream.error.write("several-cameras: no camera found\n")
    exit(1)
}
while true {
    var configuration = PipelineConfiguration()  // the first connected display
    configuration.sources = cameras.map { path in
        var source = SourceConfiguration()
        source.device = path
        return source
    }
    configuration.source = configuration.sources[0]
    do {
        let pipeline = try FramePipeline(configuration: configuration)
        let summary = try pipeline.run(frames: frames)
        for camera in summary.sources {
            let latency = camera.latency
            print("\(camera.camera): \(camera.statistics.shown) frames shown on plane \(camera.plane.map(String.init) ?? "none"), "
                + (latency.leftOut ?? "latency p50 \(milliseconds(latency.p50)), p99 \(milliseconds(latency.p99))"))
        }
        print("\(summary.commits.commits) commits for \(summary.sources.count) cameras, at most \(summary.commits.maximumCommitsPerVblank) per vblank")
        exit(0)
    } catch PipelineError.tooFewPlanes where cameras.count > 1 {
        cameras.removeLast()  // one plane per camera: take fewer
    } catch {
        StandardStream.error.write("several-cameras: \(error)\n")
        exit(1)
    }
}
