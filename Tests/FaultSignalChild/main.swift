// The child process of FaultDeviceTests' second-SIGINT tests: a program of
// its own (not an XCTest case, so the test bundle counts no helper as a
// test), built beside framepipe.
//
//     FaultSignalChild CONFIG MARKERS HANG
//
// Streams the pipeline file CONFIG with the command line's signal handling
// (SignalRelay) and creates marker files as it goes: MARKERS.streaming (a
// frame is on screen), MARKERS.stop (a signal asked the pipeline to stop),
// MARKERS.teardown (teardown began) and MARKERS.survived (the run
// returned). HANG says where it stalls for 30 s, so that only a second
// SIGINT can end it early: `teardown` (in beforeTeardown) or `streaming`
// (in the status callback, which blocks the pipeline queue).
import Foundation
import Pipeline
import SignalHandling

#if canImport(Glibc)
import Glibc
#endif

/// Marks each stop request before passing it on: the test's sign that the
/// first signal has been taken.
final class MarkingStop: StoppablePipeline {
    let pipeline: FramePipeline
    let mark: @Sendable (String) -> Void

    init(_ pipeline: FramePipeline, mark: @escaping @Sendable (String) -> Void) {
        self.pipeline = pipeline
        self.mark = mark
    }

    func stop(_ reason: StopReason) {
        mark(".stop")
        pipeline.stop(reason)
    }
}

let arguments = CommandLine.arguments
guard arguments.count == 4, ["teardown", "streaming"].contains(arguments[3]) else {
    FileHandle.standardError.write(Data("usage: FaultSignalChild CONFIG MARKERS teardown|streaming\n".utf8))
    exit(64)
}
let markers = arguments[2], hang = arguments[3]
let mark: @Sendable (String) -> Void = { suffix in _ = FileManager.default.createFile(atPath: markers + suffix, contents: nil) }
do {
    let session = try FramePipeline(configuration: try PipelineConfiguration.load(path: arguments[1]))
    nonisolated(unsafe) var hung = false
    session.onStatus = { statistics, _ in
        guard statistics[0].shown > 0, !hung else { return }
        hung = true
        mark(".streaming")
        if hang == "streaming" { sleep(30) }
    }
    let stopper = MarkingStop(session, mark: mark)
    let signals = SignalRelay(stopping: stopper)
    defer { signals.uninstall() }
    _ = try session.run(frames: 100_000, beforeTeardown: { _ in
        mark(".teardown")
        if hang == "teardown" { sleep(30) }
    })
    withExtendedLifetime(stopper) {}
    mark(".survived")
} catch {
    FileHandle.standardError.write(Data("FaultSignalChild: \(error)\n".utf8))
    exit(1)
}
