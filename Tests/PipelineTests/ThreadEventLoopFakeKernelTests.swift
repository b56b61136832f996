import Dispatch
import KMS
@testable import Pipeline
import Platform
import TestSupport
import V4L2
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// The waiter-thread loop on the fake kernel: its thread sleeps in the
/// fake's `epoll_wait` (which blocks until the fake's state changes, as a
/// real one would), hands each event to the pipeline's queue, and leaves
/// when stopped. And the same script gives the same frames whichever loop
/// delivers the events.
final class ThreadEventLoopFakeKernelTests: XCTestCase {
    private func rig() -> (FakeKernel, TestSupport.FakeCamera, FakeCard) {
        let fake = FakeKernel()
        let camera = fake.addCamera(at: "/dev/video0")
        // Vblanks happen when the test says (a waiter blocked in the fake's
        // epoll_wait would otherwise let pending flips complete).
        let card = fake.addCard(at: "/dev/dri/card0", configuration: .init(vblankWhileWaiting: false))
        return (fake, camera, card)
    }

    private func configuration() -> PipelineConfiguration {
        var configuration = PipelineConfiguration()
        configuration.source.device = "/dev/video0"
        configuration.source.format = FourCC("XR24")
        configuration.sink.card = "/dev/dri/card0"
        return configuration
    }

    /// Polls `condition` every millisecond for up to `seconds` (a liveness
    /// bound, not a timing check: the thread does its work long before).
    private func eventually(_ seconds: Double = 10, _ condition: () -> Bool) -> Bool {
        let deadline = DispatchTime.now() + seconds
        while DispatchTime.now() < deadline {
            if condition() { return true }
            usleep(1000)
        }
        return condition()
    }

    func testTheWaiterThreadLeavesWhenStoppedAndHoldsNothing() throws {
        let (fake, _, card) = rig()
        let queue = DispatchQueue(label: "test")
        let loop = ThreadEventLoop(queue: queue, kernel: fake)
        let events = PipelineEvents(cameraReadable: { _ in }, cardReadable: {}, commitDue: {}, tick: {}, durationElapsed: {})
        let cardFD = try OwnedFD.open("/dev/dri/card0", kernel: fake)
        try queue.sync { try loop.start(card: cardFD, events: events, tickNanoseconds: 250_000_000, durationNanoseconds: nil) }
        XCTAssertTrue(eventually { fake.trace.contains { $0.hasPrefix("epoll_ctl(EPOLL_CTL_ADD)") } })
        let left = DispatchSemaphore(value: 0)
        queue.sync { loop.stop { left.signal() } }
        XCTAssertEqual(left.wait(timeout: .now() + 10), .success, "the waiter thread woke on the eventfd and left")
        XCTAssertTrue(fake.trace.contains { $0.hasPrefix("write eventfd") }, "stopped through the eventfd: \(fake.trace.suffix(5))")
        _ = card
    }

    /// One frame through the thread loop: the camera's readiness wakes the
    /// thread, which runs the frame on the queue; the card, armed one-shot,
    /// is re-armed only while a frame waits for a flip.
    func testFramesFlowThroughTheWaiterThread() throws {
        let (fake, camera, card) = rig()
        do {
            let pipeline = try FramePipeline(configuration: configuration(), kernel: fake) { queue in ThreadEventLoop(queue: queue, kernel: fake) }
            pipeline.start(frames: 5)
            XCTAssertTrue(eventually { camera.isStreaming })
            for shown in 1...5 {
                camera.fill()
                XCTAssertTrue(eventually { pipeline.statistics[0].captured == shown }, "frame \(shown) taken: \(pipeline.statistics[0])")
                card.vblank()
            }
            camera.fill()  // its wake-up reads the last flip
            let summary = try RunGuard.wait(pipeline)
            XCTAssertEqual(summary.stopReason, .frameCount)
            XCTAssertEqual(summary.sources[0].statistics.shown, 5)
            XCTAssertEqual(summary.poolViolations, [])
        }
        XCTAssertEqual(fake.leakReport(), FakeLeakReport())
    }

    /// The same script on both loops: the same frames, the same fates.
    func testBothLoopsGiveTheSameFrameRecords() throws {
        func script(_ makeLoop: @escaping (DispatchQueue, FakeKernel) -> any PipelineEventLoop, drive: (FakeKernel, FramePipeline, any PipelineEventLoop) -> Void) throws -> [String] {
            let (fake, _, _) = rig()
            var made: (any PipelineEventLoop)?
            var records: [String] = []
            let pipeline = try FramePipeline(configuration: configuration(), kernel: fake) { queue in
                let loop = makeLoop(queue, fake)
                made = loop
                return loop
            }
            pipeline.onFrame = { records.append("\($0.sequence) \($0.outcome) buffer \($0.bufferIndex.map(String.init) ?? "-")") }
            pipeline.start(frames: 6)
            guard let loop = made else { return [] }
            drive(fake, pipeline, loop)
            pipeline.stop()
            _ = try RunGuard.wait(pipeline)
            return records
        }
        // Frames 0-1, a vblank, frames 2-3 together (2 superseded), and so on.
        let steps: [(fills: Int, vblanks: Int)] = [(1, 1), (1, 1), (2, 1), (1, 0), (1, 1), (1, 1), (1, 1), (1, 1)]
        let embedded = try script({ queue, fake in
            EmbeddedEventLoop(queue: queue, kernel: fake, start: fake.card(at: "/dev/dri/card0")?.clockNanoseconds ?? 0)
        }) { fake, pipeline, loop in
            guard let loop = loop as? EmbeddedEventLoop, let camera = fake.camera(at: "/dev/video0"), let card = fake.card(at: "/dev/dri/card0") else { return }
            pipeline.onQueue {}
            // The loop's clock follows the display's, as the thread loop's does.
            for step in steps {
                camera.fill(count: step.fills)
                loop.advance(toNanoseconds: card.clockNanoseconds)
                loop.run()
                for _ in 0..<step.vblanks { card.vblank() }
                loop.advance(toNanoseconds: card.clockNanoseconds)
                loop.run()
            }
        }
        let threaded = try script({ queue, fake in
            let card = fake.card(at: "/dev/dri/card0")
            return ThreadEventLoop(queue: queue, kernel: fake) { card?.clockNanoseconds ?? 0 }
        }) { fake, pipeline, _ in
            guard let camera = fake.camera(at: "/dev/video0"), let card = fake.card(at: "/dev/dri/card0") else { return }
            XCTAssertTrue(eventually { camera.isStreaming })
            // After each move of the hardware, the waiter thread handles
            // all it made ready and sleeps again, as the embedded loop's run().
            for step in steps {
                var mark = fake.epollSleepCount
                camera.fill(count: step.fills)
                XCTAssertTrue(fake.settle(after: mark) || pipeline.statistics[0].shown >= 6)
                for _ in 0..<step.vblanks {
                    mark = fake.epollSleepCount
                    card.vblank()
                    XCTAssertTrue(fake.settle(after: mark) || pipeline.statistics[0].shown >= 6)
                }
            }
        }
        // The script reaches the scheduler's every fate, so the comparison means something.
        for fate in ["shown", "superseded", "droppedToCatchUp", "inFlight"] {
            XCTAssertTrue(embedded.contains { $0.contains(" \(fate) ") }, "\(fate) in \(embedded)")
        }
        XCTAssertEqual(threaded, embedded)
    }
}
