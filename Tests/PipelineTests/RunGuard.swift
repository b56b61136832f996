import Dispatch
import Foundation
import Pipeline
import XCTest

/// `FramePipeline.wait()` for tests whose run must end by itself (a
/// watchdog, a frame limit, an injected fault): if it has not ended after
/// a generous minute, the run is stopped and the test fails, instead of the
/// suite hanging on a regression (a watchdog that never fires). It checks
/// that the run ended, not how long it took.
final class RunGuard: @unchecked Sendable {
    private let lock = NSLock()
    private var stoppedByGuard = false

    /// `pipeline.wait()`, stopped after `seconds` if still running.
    static func wait(
        _ pipeline: FramePipeline, seconds: Double = 60, file: StaticString = #filePath, line: UInt = #line
    ) throws -> PipelineSummary {
        let guarding = RunGuard()
        // Weakly: the global queue keeps a cancelled item until its
        // deadline, and a pipeline kept alive would keep its descriptors.
        let stop = DispatchWorkItem { [guarding, weak pipeline] in
            guard let pipeline else { return }
            guarding.lock.withLock { guarding.stoppedByGuard = true }
            pipeline.stop()
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds, execute: stop)
        defer {
            stop.cancel()
            let stopped = guarding.lock.withLock { guarding.stoppedByGuard }
            XCTAssertFalse(stopped, "the run did not end by itself: stopped by the test after \(seconds) s", file: file, line: line)
        }
        return try pipeline.wait()
    }
}
