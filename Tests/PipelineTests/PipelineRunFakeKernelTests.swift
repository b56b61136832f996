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

/// Whole pipelines on the fake kernel, driven by the embedded event loop:
/// start → frames → teardown for one source and for two, a fault injected
/// at every step of start-up and of the frame path, a camera lost and back,
/// a flip that never comes, a camera that stalls, a stop from another
/// thread. Nothing here waits for real time: the test plays the camera
/// (`fill`), the display (`vblank`) and the clock (`advance`).
final class PipelineRunFakeKernelTests: XCTestCase {
    /// A fake kernel with `cameras` cameras (/dev/video0, 4, ...) and a card
    /// with an overlay plane.
    private func rig(cameras: Int = 1) -> (FakeKernel, [TestSupport.FakeCamera], FakeCard) {
        let fake = FakeKernel()
        let made = (0..<cameras).map { fake.addCamera(at: "/dev/video\($0 * 4)") }
        let card = fake.addCard(at: "/dev/dri/card0", configuration: .init(overlayPlane: true))
        return (fake, made, card)
    }

    private func configuration(cameras: Int = 1) -> PipelineConfiguration {
        var configuration = PipelineConfiguration()
        var source = SourceConfiguration()
        source.format = FourCC("XR24")
        source.width = 640
        source.height = 480
        configuration.sink.card = "/dev/dri/card0"
        // Several: the first fills the 640x480 mode on the primary plane
        // (vkms 6.1's must cover the CRTC), the others are insets above it.
        configuration.sink.mode = ModeRequest(parsing: "640x480")
        configuration.layout = cameras > 1 ? .pictureInPicture : nil
        if cameras == 1 {
            source.device = "/dev/video0"
            configuration.source = source
        } else {
            configuration.sources = (0..<cameras).map { index in
                var each = source
                each.device = "/dev/video\(index * 4)"
                return each
            }
            configuration.source = configuration.sources[0]
        }
        return configuration
    }

    /// A pipeline on `fake` whose events the returned loop delivers, its
    /// clock the card's.
    private func pipeline(_ configuration: PipelineConfiguration, on fake: FakeKernel) throws -> (FramePipeline, EmbeddedEventLoop) {
        var made: EmbeddedEventLoop?
        let start = Self.cardClock(fake)
        let pipeline = try FramePipeline(configuration: configuration, kernel: fake) { queue in
            let loop = EmbeddedEventLoop(queue: queue, kernel: fake, start: start)
            made = loop
            return loop
        }
        return (pipeline, try XCTUnwrap(made))
    }

    /// The card's clock (one card per rig).
    private static func cardClock(_ fake: FakeKernel) -> Int64 { fake.card(at: "/dev/dri/card0")?.clockNanoseconds ?? 0 }

    /// One frame period: each camera fills a buffer, the loop delivers,
    /// a vblank passes (the loop's clock moves with the card's), the loop
    /// delivers again.
    private func frame(_ cameras: [TestSupport.FakeCamera], _ card: FakeCard, _ loop: EmbeddedEventLoop) {
        let period: Int64 = 16_683_333
        for camera in cameras { camera.fill() }
        loop.run()
        // Up to a millisecond before the vblank: a gathered commit is due by then.
        loop.advance(toNanoseconds: card.clockNanoseconds + period - 1_000_000)
        card.vblank()
        loop.advance(toNanoseconds: card.clockNanoseconds)
    }

    // MARK: Start, frames, teardown

    func testOneCameraShowsItsFramesAndLeavesNothingBehind() throws {
        let (fake, cameras, card) = rig()
        let screenBefore = card.screenState
        var records: [FrameRecord] = []
        do {
            let (pipeline, loop) = try pipeline(configuration(), on: fake)
            pipeline.onFrame = { records.append($0) }
            pipeline.start(frames: 10)
            pipeline.onQueue {}
            XCTAssertTrue(cameras[0].isStreaming)
            for _ in 0..<12 where pipeline.statistics[0].shown < 10 {
                frame(cameras, card, loop)
                // One wake-up per frame: the camera's source reads the flip;
                // the card's is wanted only while a frame waits for a flip
                // (or the run is ending).
                if pipeline.statistics[0].shown < 10 { XCTAssertFalse(loop.isCardWanted) }
            }
            pipeline.stop()  // a run that did not reach its count ends here (the first reason wins)
            let summary = try RunGuard.wait(pipeline)
            XCTAssertEqual(summary.stopReason, .frameCount)
            XCTAssertEqual(summary.sources.count, 1)
            XCTAssertEqual(summary.sources[0].statistics.shown, 10)
            XCTAssertEqual(summary.sources[0].statistics.captured, 11, "the 11th frame is in flight when the 10th flips")
            XCTAssertEqual(summary.commits.maximumCommitsPerVblank, 1)
            XCTAssertEqual(summary.poolViolations, [])
            XCTAssertEqual(records.filter { $0.outcome == .shown }.map(\.sequence), Array(0..<10))
            XCTAssertEqual(Set(records.map(\.source)), [0])
        }
        XCTAssertEqual(card.screenState, screenBefore, "the display as it was found")
        XCTAssertEqual(fake.leakReport(), FakeLeakReport())
    }

    func testTwoCamerasShareOneCommitPerVblank() throws {
        let (fake, cameras, card) = rig(cameras: 2)
        let screenBefore = card.screenState
        do {
            let (pipeline, loop) = try pipeline(configuration(cameras: 2), on: fake)
            pipeline.start(frames: 6)
            pipeline.onQueue {}
            for _ in 0..<10 where pipeline.statistics.contains(where: { counters in counters.shown < 6 }) { frame(cameras, card, loop) }
            pipeline.stop()  // a run that did not reach its count ends here (the first reason wins)
            let summary = try RunGuard.wait(pipeline)
            XCTAssertEqual(summary.stopReason, .frameCount, "\(summary.sources.map(\.statistics)) \(summary.commits)")
            XCTAssertEqual(summary.sources.map(\.statistics.shown), [6, 6])
            XCTAssertEqual(summary.sources.map(\.statistics.droppedToCatchUp), [0, 0])
            XCTAssertEqual(summary.commits.maximumCommitsPerVblank, 1)
            XCTAssertEqual(summary.commits.flipsSharingVblank, 0)
            // 12 frames in 7 commits: the first carries camera 0 alone (the
            // vblank clock is not known yet, so nothing is gathered), the
            // second camera 1's frame that arrived meanwhile, and from then
            // on frames are gathered until the lead before each vblank and
            // every commit carries both.
            XCTAssertEqual(summary.commits.planeUpdates, 12, "\(summary.commits)")
            XCTAssertEqual(summary.commits.commits, 7, "\(summary.commits)")
            XCTAssertEqual(summary.poolViolations, [])
            XCTAssertEqual(Set(summary.sources.compactMap(\.plane)), [FakeCard.primaryPlaneID, FakeCard.overlayPlaneID])
        }
        XCTAssertEqual(card.screenState, screenBefore)
        XCTAssertEqual(fake.leakReport(), FakeLeakReport())
    }

    /// A camera that showed its frames while the other has not yet: it is
    /// left alone (not watched, not a stall) until the other is done too.
    func testACameraDoneBeforeTheOtherIsNotTakenForStalled() throws {
        let (fake, cameras, card) = rig(cameras: 2)
        do {
            let (pipeline, loop) = try pipeline(configuration(cameras: 2), on: fake)
            pipeline.start(frames: 4)
            pipeline.onQueue {}
            for _ in 0..<6 { frame(cameras, card, loop) }
            XCTAssertEqual(pipeline.statistics[0].shown, 4)
            // The second camera goes on alone, slowly (a frame a second):
            // the first, done, delivers nothing and is not called stalled.
            var seconds = 0
            while pipeline.statistics[1].shown < 4, seconds < 10 {
                cameras[1].fill()
                loop.run()
                loop.advance(byNanoseconds: 1_000_000_000)
                card.vblank()
                loop.advance(toNanoseconds: card.clockNanoseconds)
                seconds += 1
            }
            pipeline.stop()
            let summary = try RunGuard.wait(pipeline)
            XCTAssertEqual(summary.stopReason, .frameCount)
            XCTAssertEqual(summary.sources.map(\.statistics.shown), [4, 4])
        }
        XCTAssertEqual(fake.leakReport(), FakeLeakReport())
    }

    /// A stop from another thread while nothing happens on the queue.
    func testAStopFromAnotherThreadEndsTheRun() throws {
        let (fake, cameras, card) = rig()
        do {
            let (pipeline, loop) = try pipeline(configuration(), on: fake)
            pipeline.start()
            pipeline.onQueue {}
            frame(cameras, card, loop)
            let stopped = DispatchSemaphore(value: 0)
            // Weak: the block may be released on its thread after the
            // signal, and a strong reference there kept the pipeline (and
            // its descriptors) alive past the leak check below.
            DispatchQueue.global().async { [weak pipeline] in
                pipeline?.stop()
                stopped.signal()
            }
            XCTAssertEqual(stopped.wait(timeout: .now() + 10), .success)
            let summary = try RunGuard.wait(pipeline)
            XCTAssertEqual(summary.stopReason, .requested)
            XCTAssertEqual(summary.sources[0].statistics.shown, 1)
        }
        XCTAssertEqual(fake.leakReport(), FakeLeakReport())
    }

    // MARK: Watchdogs

    func testAFlipThatNeverComesEndsTheRunWithTheCardNamed() throws {
        let (fake, cameras, card) = rig()
        let screenBefore = card.screenState
        do {
            let (pipeline, loop) = try pipeline(configuration(), on: fake)
            pipeline.start()
            pipeline.onQueue {}
            // The modeset's event comes with its (blocking) commit; the
            // next frame's page flip never completes: no vblank comes.
            frame(cameras, card, loop)
            cameras[0].fill()
            loop.run()
            XCTAssertTrue(pipeline.onQueue { pipeline.scheduler.isFlipPending })
            loop.advance(byNanoseconds: 1_300_000_000)
            XCTAssertThrowsError(try RunGuard.wait(pipeline)) { error in
                guard case .flipTimedOut(let device, let after)? = error as? PipelineError else { return XCTFail("\(error)") }
                XCTAssertEqual(device, "/dev/dri/card0")
                XCTAssertGreaterThan(after, .seconds(1))
            }
        }
        XCTAssertEqual(card.screenState, screenBefore)
        XCTAssertEqual(fake.leakReport(), FakeLeakReport())
    }

    func testACameraThatDeliversNothingEndsTheRunWithItsName() throws {
        let (fake, cameras, card) = rig()
        do {
            let (pipeline, loop) = try pipeline(configuration(), on: fake)
            pipeline.start()
            pipeline.onQueue {}
            frame(cameras, card, loop)
            loop.advance(byNanoseconds: 3_500_000_000)
            XCTAssertThrowsError(try RunGuard.wait(pipeline)) { error in
                guard case .cameraStalled(let device, _)? = error as? PipelineError else { return XCTFail("\(error)") }
                XCTAssertEqual(device, "/dev/video0")
            }
        }
        XCTAssertEqual(fake.leakReport(), FakeLeakReport())
    }

    // MARK: A camera lost

    func testACameraLostAndBackWithReconnect() throws {
        let (fake, cameras, card) = rig()
        var configuration = configuration()
        configuration.reconnect = true
        var events: [String] = []
        do {
            let (pipeline, loop) = try pipeline(configuration, on: fake)
            pipeline.onCameraAway = { index, path in events.append("away \(index) \(path)") }
            pipeline.onCameraBack = { index, path in events.append("back \(index) \(path)") }
            pipeline.start()
            pipeline.onQueue {}
            for _ in 0..<3 { frame(cameras, card, loop) }
            cameras[0].unplug()
            loop.run()
            XCTAssertEqual(events, ["away 0 /dev/video0"])
            XCTAssertTrue(pipeline.onQueue { pipeline.isWaitingForCamera })
            loop.advance(byNanoseconds: 600_000_000)
            XCTAssertEqual(events, ["away 0 /dev/video0"], "still away: nothing at its node")
            let back = try XCTUnwrap(fake.replugCamera(at: "/dev/video0"))
            loop.advance(byNanoseconds: 300_000_000)
            XCTAssertEqual(events, ["away 0 /dev/video0", "back 0 /dev/video0"])
            XCTAssertTrue(back.isStreaming)
            for _ in 0..<3 { frame([back], card, loop) }
            pipeline.stop()
            let summary = try RunGuard.wait(pipeline)
            XCTAssertEqual(summary.sources[0].statistics.cameraReconnects, 1)
            XCTAssertEqual(summary.sources[0].statistics.shown, 6)
            XCTAssertEqual(summary.poolViolations, [])
        }
        var leaks = fake.leakReport()
        // The unplugged camera could not free its buffers (ENODEV): its
        // last descriptor's close did, as the kernel does.
        XCTAssertEqual(leaks.releasedAtClose, ["/dev/video0: 4 buffers freed by the close of /dev/video0"])
        leaks.releasedAtClose.removeAll()
        XCTAssertEqual(leaks, FakeLeakReport())
    }

    /// Two cameras, `continue`: one unplugged, its plane goes off in the
    /// next commit and the other goes on.
    func testOneOfTwoLostWithContinueLeavesTheOtherGoing() throws {
        let (fake, cameras, card) = rig(cameras: 2)
        var configuration = configuration(cameras: 2)
        configuration.onSourceLoss = .continue
        var lost: [Int] = []
        do {
            let (pipeline, loop) = try pipeline(configuration, on: fake)
            pipeline.commitLead = .immediate
            pipeline.onSourceLost = { index, _ in lost.append(index) }
            pipeline.start()
            pipeline.onQueue {}
            for _ in 0..<2 { frame(cameras, card, loop) }
            cameras[1].unplug()
            frame([cameras[0]], card, loop)
            XCTAssertEqual(lost, [1])
            XCTAssertEqual(card.propertyValue("FB_ID", of: FakeCard.overlayPlaneID), 0, "its plane is off")
            for _ in 0..<3 { frame([cameras[0]], card, loop) }
            pipeline.stop()
            let summary = try RunGuard.wait(pipeline)
            XCTAssertNotNil(summary.sources[1].lost)
            XCTAssertEqual(summary.commits.sourcesLost, 1)
            XCTAssertGreaterThan(summary.sources[0].statistics.shown, summary.sources[1].statistics.shown)
            XCTAssertEqual(summary.poolViolations, [])
        }
        var leaks = fake.leakReport()
        XCTAssertEqual(leaks.releasedAtClose, ["/dev/video4: 4 buffers freed by the close of /dev/video4"], "the unplugged camera's")
        leaks.releasedAtClose.removeAll()
        XCTAssertEqual(leaks, FakeLeakReport())
    }

    // MARK: Faults at every step

    /// Every call a good run makes, up to its third shown frame.
    private func callsOfAGoodRun(cameras count: Int) throws -> [String] {
        let (fake, cameras, card) = rig(cameras: count)
        let (pipeline, loop) = try pipeline(configuration(cameras: count), on: fake)
        pipeline.commitLead = .immediate
        pipeline.start()
        pipeline.onQueue {}
        for _ in 0..<3 { frame(cameras, card, loop) }
        pipeline.stop()
        _ = try RunGuard.wait(pipeline)
        return fake.callLog.map(\.name)
    }

    /// Each distinct call of a good run fails once, at its first and at its
    /// last occurrence: set-up throws or the run ends with an error (or,
    /// for a call whose failure is tolerated, goes on), and whatever
    /// happens nothing is left open and the display is as found.
    func testAFaultAtEveryStepLeavesNothingBehind() throws {
        for count in [1, 2] {
            let calls = try callsOfAGoodRun(cameras: count)
            XCTAssertGreaterThan(calls.count, 50)
            for name in Set(calls).sorted() {
                let occurrences = calls.filter { $0 == name }.count
                for occurrence in Set([1, occurrences]).sorted() {
                    try runFailing(name, occurrence: occurrence, cameras: count)
                }
            }
        }
    }

    private func runFailing(_ name: String, occurrence: Int, cameras count: Int) throws {
        let what = "\(name) #\(occurrence) with \(count) camera(s)"
        let (fake, cameras, card) = rig(cameras: count)
        let screenBefore = card.screenState
        fake.fail(name, errno: name == "open" ? EACCES : EIO, occurrence: occurrence)
        var reported: String?
        do {
            let (pipeline, loop) = try pipeline(configuration(cameras: count), on: fake)
            pipeline.commitLead = .immediate
            pipeline.start()
            pipeline.onQueue {}
            for _ in 0..<3 { frame(cameras, card, loop) }
            pipeline.stop()
            let summary = try RunGuard.wait(pipeline)
            XCTAssertEqual(summary.poolViolations, [], what)
        } catch {
            reported = "\(error)"
        }
        if let reported { XCTAssertFalse(reported.contains("\n"), "\(what): one line: \(reported)") }
        if card.screenState != screenBefore {
            // Only the restore itself failing may leave the screen changed,
            // and then the run must say so, naming the card.
            XCTAssertTrue(reported?.contains("/dev/dri/card0") == true, "\(what): the display was not restored and no error says so: \(reported ?? "no error")")
        }
        var leaks = fake.leakReport()
        // A release call that failed leaves its resource to the close that
        // follows, as the kernel does: that is all that can be done.
        let releases = ["DRM_IOCTL_GEM_CLOSE", "drmModeRmFB", "drmModeDestroyPropertyBlob", "drmDropMaster", "VIDIOC_REQBUFS", "VIDIOC_STREAMOFF"]
        if releases.contains(name) { leaks.releasedAtClose.removeAll() }
        XCTAssertEqual(leaks, FakeLeakReport(), what)
    }
}
