import Foundation
import Pipeline
import SignalHandling
import TestSupport
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// Not a test of its own: the child process of the second-SIGINT tests in
/// `FaultDeviceTests`, started from the same test bundle with a marker path
/// in ``markerVariable`` and where to hang in ``hangVariable``: `teardown`
/// (in `beforeTeardown`) or `streaming` (in the status callback, which
/// blocks the pipeline queue). It streams with signal handling on and hangs
/// for 30 s, so only a second SIGINT can end it early. It skips when run
/// any other way (its class name does not end in DeviceTests, so the lab's
/// device-test run does not pick it up).
final class FaultSignalChild: XCTestCase {
    static let markerVariable = "FRAMEPIPE_SIGNAL_CHILD_MARKERS"
    static let hangVariable = "FRAMEPIPE_SIGNAL_CHILD_HANG"

    func testStreamThenHangUntilTheSecondSIGINT() throws {
        let environment = ProcessInfo.processInfo.environment
        guard Lab.isInside, let markers = environment[Self.markerVariable], let hang = environment[Self.hangVariable] else {
            throw XCTSkip("runs only as the child process of FaultDeviceTests' second-SIGINT tests")
        }
        func mark(_ suffix: String) { FileManager.default.createFile(atPath: markers + suffix, contents: nil) }
        let configuration = try PipelineConfiguration.load(path: repositoryRoot.appendingPathComponent("configs/vivid-vkms.json").path)
        let session = try FramePipeline(configuration: configuration)
        var hung = false
        session.onStatus = { statistics, _ in
            guard statistics[0].shown > 0, !hung else { return }
            mark(".streaming")
            if hang == "streaming" {
                hung = true
                sleep(30)
            }
        }
        let signals = SignalRelay(stopping: session)
        defer { signals.uninstall() }
        _ = try session.run(frames: 100_000, beforeTeardown: { _ in
            mark(".teardown")
            if hang == "teardown" { sleep(30) }
        })
        mark(".survived")
    }
}
