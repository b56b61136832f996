import Dispatch
@testable import Pipeline
import Platform
import TestSupport
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// The frame path allocates nothing in steady state (DESIGN.md convention
/// 6, issue 20): heap allocations counted on every thread over frames
/// after a warm-up (the Swift runtime's caches fill on first use), the fake
/// kernel's own left out (``HeapAllocations``). Whole pipelines on the fake
/// kernel run the waiter-thread loop, zero-copy and on the copy path; a
/// Dispatch read source cannot watch the fake's descriptors, so each loop's
/// own part, a readable descriptor handed to the queue, is counted on real
/// pipes. Debug build: it allocates where a release build might not, so a
/// zero here holds there too.
final class SteadyStateAllocationTests: XCTestCase {
    private let warmUpFrames = 10
    private let countedFrames = 30

    func testAZeroCopyFrameAllocatesNothing() throws {
        let (counted, summary) = try runFrames(format: "XR24", copy: .never)
        XCTAssertNil(summary.sources.first?.copyPath, "zero copy")
        XCTAssertEqual(counted.allocations, 0, "\(counted)")
        XCTAssertGreaterThan(counted.insideFakeKernel, 0, "the interposer counted: \(counted)")
    }

    func testACopiedFrameAllocatesNothing() throws {
        let (counted, summary) = try runFrames(format: "NV12", copy: .allowed)
        XCTAssertEqual(summary.sources.first?.copy?.converted ?? 0, warmUpFrames + countedFrames, "every frame converted")
        XCTAssertEqual(counted.allocations, 0, "\(counted)")
        XCTAssertGreaterThan(counted.insideFakeKernel, 0, "the interposer counted: \(counted)")
    }

    /// One camera on the fake card with the waiter-thread loop: warm-up
    /// frames, then frames whose allocations are counted. Each frame: the
    /// camera fills a buffer, the pipeline commits it (the waiter thread
    /// takes it; on the copy path the conversion queue converts it first),
    /// a vblank completes the flip, whose event the next frame reads.
    private func runFrames(format: String, copy: CopyPolicy) throws -> (HeapAllocations.Counted, PipelineSummary) {
        let fake = FakeKernel()
        let camera = fake.addCamera(at: "/dev/video0")
        // Vblanks when the test says (a waiter in epoll_wait would otherwise complete flips).
        let card = fake.addCard(at: "/dev/dri/card0", configuration: .init(vblankWhileWaiting: false))
        var configuration = PipelineConfiguration()
        configuration.source.device = "/dev/video0"
        configuration.source.format = FourCC(format)
        configuration.sink.card = "/dev/dri/card0"
        configuration.copy = copy
        let pipeline = try FramePipeline(configuration: configuration, kernel: fake) { queue in
            ThreadEventLoop(queue: queue, kernel: fake) { card.clockNanoseconds }
        }
        pipeline.start(frames: warmUpFrames + countedFrames)
        XCTAssertTrue(eventually { camera.isStreaming })
        /// False when the frame was not committed (a liveness bound, not a timing check).
        func frame() -> Bool {
            let commits = card.commits.count
            camera.fill()
            guard eventually({ card.commits.count > commits }) else { return false }
            _ = card.vblank()
            return true
        }
        var committed = 0
        for _ in 0..<warmUpFrames where frame() { committed += 1 }
        let counted = HeapAllocations.count {
            for _ in 0..<countedFrames where frame() { committed += 1 }
        }
        camera.fill()  // its wake-up reads the last flip
        let summary = try pipeline.wait()
        XCTAssertEqual(committed, warmUpFrames + countedFrames, "every frame committed")
        XCTAssertEqual(summary.stopReason, .frameCount)
        XCTAssertEqual(summary.sources.first?.statistics.shown, warmUpFrames + countedFrames)
        XCTAssertEqual(summary.poolViolations, [])
        return (counted, summary)
    }

    /// Polls `condition` every 100 µs for up to 10 s (a liveness bound:
    /// the pipeline does its work long before). Allocates nothing.
    private func eventually(_ condition: () -> Bool) -> Bool {
        let deadline = DispatchTime.now().uptimeNanoseconds + 10_000_000_000
        while DispatchTime.now().uptimeNanoseconds < deadline {
            if condition() { return true }
            usleep(100)
        }
        return condition()
    }
}
