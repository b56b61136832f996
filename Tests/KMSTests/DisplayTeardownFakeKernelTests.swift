import KMS
import Platform
import TestSupport
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// Display teardown against a scripted fake kernel: what `close()` puts back
/// and releases, and that nothing is left whichever step of a display's life
/// fails.
final class DisplayTeardownFakeKernelTests: XCTestCase {
    typealias Rig = FakeDisplayRig

    // MARK: Restore

    func testCloseRestoresTheScreenAndReleasesEachResourceOnce() throws {
        let rig = Rig()
        let before = rig.fakeCard.screenState
        do {
            let card = try rig.openCard()
            let display = try Display(card: card, selection: Rig.selection())
            let frame = rig.makeFrame("frame 0")
            let other = rig.makeFrame("frame 1")
            // The same dma-buf twice, once through a duplicate descriptor:
            // one GEM handle, as the kernel gives.
            let duplicate = try DmaBuf.duplicating(frame.rawValue, origin: "frame 0 (copy)", kernel: rig.fake)
            let framebuffers = [
                try display.importFramebuffer(Rig.layout(frame)),
                try display.importFramebuffer(Rig.layout(duplicate)),
                try display.importFramebuffer(Rig.layout(other)),
            ]
            XCTAssertEqual(rig.fakeCard.openGEMHandleCount, 2)
            XCTAssertEqual(card.openGEMHandleCount, 2)
            XCTAssertEqual(Set(display.ownedFramebuffers.flatMap(\.handles)).count, 2)

            try display.show(framebuffer: framebuffers[0], tag: 0)
            XCTAssertEqual(try display.handleEvents { _ in }, 1)
            try display.show(framebuffer: framebuffers[1], tag: 1)
            rig.fakeCard.vblank()
            XCTAssertEqual(try display.handleEvents { _ in }, 1)
            // The console showed the same mode: the modeset leaves MODE_ID
            // alone, but the blob made for the plan is ours to destroy.
            XCTAssertNil(rig.fakeCard.commits.last { $0.flags == "PAGE_FLIP_EVENT|ALLOW_MODESET" }?.value(of: "MODE_ID", on: FakeCard.crtcID))
            let modeBlob = try XCTUnwrap(rig.fake.trace.last { $0.hasPrefix("drmModeCreatePropertyBlob") }?.split(separator: " ").last)
            XCTAssertNotEqual(rig.fakeCard.screenState, before)
            let handles = Set(display.ownedFramebuffers.flatMap(\.handles))

            let mark = rig.fake.callCount
            XCTAssertEqual(display.close().map { "\($0)" }, [])
            let calls = rig.fake.trace(since: mark)
            let restore = try XCTUnwrap(calls.firstIndex(of: "DRM_IOCTL_MODE_ATOMIC ALLOW_MODESET"), "\(calls)")
            let firstRemoval = try XCTUnwrap(calls.firstIndex { $0.hasPrefix("drmModeRmFB") })
            XCTAssertLessThan(restore, firstRemoval, "the screen is restored before our framebuffers go")
            XCTAssertEqual(calls.filter { $0.hasPrefix("drmModeRmFB") }, framebuffers.map { "drmModeRmFB \($0)" })
            let closes = calls.filter { $0.hasPrefix("DRM_IOCTL_GEM_CLOSE") }
            XCTAssertEqual(closes.count, 2, "each distinct handle once: \(closes)")
            XCTAssertEqual(Set(closes), Set(handles.map { "DRM_IOCTL_GEM_CLOSE \($0)" }))
            XCTAssertTrue(calls.contains("drmModeDestroyPropertyBlob \(modeBlob)"), "\(calls)")
            XCTAssertEqual(calls.last, "drmDropMaster")

            XCTAssertEqual(rig.fakeCard.screenState, before, "CRTC, connector and planes as they were")
            XCTAssertEqual(rig.fakeCard.framebuffersRemovedWhileShown, [])
            XCTAssertEqual(display.state, .closed)
            XCTAssertEqual(card.openGEMHandleCount, 0)

            let report = rig.fake.leakReport()
            XCTAssertEqual(report.ignoringDescriptors([Rig.cardPath, "frame 0", "frame 0", "frame 1"]), FakeLeakReport(), "\(report)")

            let again = rig.fake.callCount
            XCTAssertEqual(display.close().count, 0)
            XCTAssertEqual(rig.fake.callCount, again, "a second close issues nothing")
        }
        XCTAssertTrue(rig.fake.leakReport().isEmpty, rig.fake.leakReport().description)
    }

    // MARK: An error at every step

    /// The calls that give something back to the kernel: when one fails,
    /// that one thing stays with the card until its descriptor closes.
    static let releasingCalls: Set<String> = ["drmModeRmFB", "DRM_IOCTL_GEM_CLOSE", "drmModeDestroyPropertyBlob", "drmDropMaster"]

    /// Calls whose failure is an answer rather than a fault, so nothing is
    /// reported: the node type and capability queries (a failed one means
    /// "not offered", and the display does without), and close(2) (the
    /// descriptor is released whatever it returns).
    static let failuresThatAreAnswers: Set<String> = ["drmGetNodeTypeFromFd", "drmSetClientCap", "drmGetCap", "close"]

    /// Setup, imports, modeset, a flip left in flight, close: run once
    /// cleanly, then once per call made with that call failing (EIO).
    /// Whatever throws, afterwards (the display closed or released) the
    /// card holds nothing for us (no GEM handle, framebuffer, blob, master
    /// or libdrm allocation, no descriptor but the card's), no framebuffer
    /// of ours was pulled off the screen, and releasing the card closes the
    /// last descriptor with nothing left to release.
    func testAnErrorAtEveryStepLeavesNothingBehind() throws {
        let clean = Rig()
        let cleanOutcome = runDisplayLife(clean)
        XCTAssertEqual(cleanOutcome.errors.map { "\($0)" }, [])
        XCTAssertEqual(cleanOutcome.whileCardOpen?.ignoringDescriptors([Rig.cardPath]), FakeLeakReport())
        XCTAssertTrue(clean.fake.leakReport().isEmpty, clean.fake.leakReport().description)
        XCTAssertEqual(clean.fakeCard.screenState, Rig().fakeCard.screenState, "the clean run restores the console")
        let steps = clean.fake.callLog
        XCTAssertGreaterThan(steps.count, 50, "setup, imports, modeset, flip and close are many calls")

        for (index, step) in steps.enumerated() {
            let context = "step \(index) (\(step.text))"
            let rig = Rig()
            rig.fake.fail(step.name, errno: EIO, occurrence: step.occurrence)
            let outcome = runDisplayLife(rig)
            for case let error as DeviceError in outcome.errors {
                XCTAssertEqual(error.call, step.name, "\(context): \(error)")
                XCTAssertEqual(error.errnoCode, EIO, "\(context): \(error)")
            }
            // The injected failure surfaced, naming its call (drmSetMaster's
            // as the display's own error), unless the call is one whose
            // failure is an answer, not a fault.
            if Self.failuresThatAreAnswers.contains(step.name) {
                XCTAssertEqual(outcome.errors.map { "\($0)" }, [], context)
            } else if step.name == "drmSetMaster" {
                XCTAssertEqual(outcome.errors.map { $0 as? DisplayError }, [.masterHeld(device: Rig.cardPath, errnoCode: EIO)], context)
            } else {
                XCTAssertEqual(outcome.errors.count, 1, "\(context): the failure surfaced once: \(outcome.errors)")
                XCTAssertTrue(outcome.errors.allSatisfy { $0 is DeviceError }, "\(context): \(outcome.errors)")
            }
            XCTAssertEqual(rig.fakeCard.framebuffersRemovedWhileShown, [], "\(context): a framebuffer was removed while on screen")
            XCTAssertEqual(rig.fake.violations, [], context)
            XCTAssertEqual(rig.fake.openDescriptors, [], "\(context): the card was released")
            XCTAssertEqual(rig.fake.outstandingLibdrmAllocations, 0, context)
            guard var held = outcome.whileCardOpen?.ignoringDescriptors([Rig.cardPath]) else {
                XCTAssertTrue(rig.fake.leakReport().isEmpty, "\(context): \(rig.fake.leakReport())")
                continue
            }
            let released = rig.fake.releasedAtClose
            if Self.releasingCalls.contains(step.name) {
                // The kernel refused to take it back: it stays until the
                // card's descriptor closes, and then goes.
                let kept = held.gemHandles + held.framebuffers + held.blobs + held.masters
                XCTAssertEqual(kept.count, 1, "\(context): \(held)")
                XCTAssertEqual(released.count, 1, "\(context): \(released)")
                (held.gemHandles, held.framebuffers, held.blobs, held.masters) = ([], [], [], [])
            } else {
                XCTAssertEqual(released, [], context)
            }
            XCTAssertEqual(held, FakeLeakReport(), "\(context): \(held)")
        }
    }

    struct Outcome {
        /// What was thrown, or what `close()` reported.
        var errors: [any Error] = []
        /// What the kernel held after the display and frames were gone
        /// and before the card was released (nil when the card never opened).
        var whileCardOpen: FakeLeakReport?
    }

    /// One display's life on `rig`: the display closes explicitly when all
    /// goes well, and by release (deinit) when something throws.
    private func runDisplayLife(_ rig: Rig) -> Outcome {
        var outcome = Outcome()
        do {
            let card = try rig.openCard()
            do {
                let frames = [rig.makeFrame("frame 0"), rig.makeFrame("frame 1")]
                let display = try Display(card: card, selection: Rig.selection())
                let first = try display.importFramebuffer(Rig.layout(frames[0]))
                _ = try display.importFramebuffer(Rig.layout(frames[0]))
                let second = try display.importFramebuffer(Rig.layout(frames[1]))
                try display.show(framebuffer: first, tag: 1)
                rig.fakeCard.vblank()
                try display.handleEvents { _ in }
                // Closed with this flip in flight: close waits for it.
                try display.show(framebuffer: second, tag: 2)
                outcome.errors = display.close()
            } catch {
                outcome.errors = [error]
            }
            outcome.whileCardOpen = rig.fake.leakReport()
            withExtendedLifetime(card) {}
        } catch {
            outcome.errors = [error]
        }
        return outcome
    }
}
