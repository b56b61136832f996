import Dispatch
import Foundation
import KMS
import Pipeline
import Platform
import TestSupport
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// One of two cameras unplugged (vivid's `disconnect`; the 'unplug' boot of
/// scripts/test, vivid reloaded first): with `onSourceLoss: continue` its
/// plane goes off and the other camera goes on, nothing leaks; by default
/// the run ends with the usual one-line error.
final class CompositeUnplugDeviceTests: XCTestCase {
    private func configuration(_ policy: SourceLossPolicy) -> PipelineConfiguration {
        let sources = ["/dev/video0", "/dev/video4"].map {
            SourceConfiguration(device: $0, format: FourCC("XR24"), width: 320, height: 180, frameRate: 25, controls: ["timestamp_source": 1])
        }
        return PipelineConfiguration(
            sink: SinkConfiguration(card: "/dev/dri/card0", connector: "Virtual-1"), sources: sources, layout: .grid, onSourceLoss: policy)
    }

    func testWithContinueTheLostCamerasPlaneGoesOffAndTheOtherGoesOn() throws {
        try Lab.require(boot: "unplug", "a vivid that may be disconnected and reloaded")
        try ReconnectDeviceTests.reloadVivid()
        let descriptors = try ProcessResources.descriptorCount()
        let framebuffers = try ProcessResources.kernelFramebufferIDs()
        let screen = try ScreenState.current()
        var comparison: LayerComparison?
        var shownAtLoss: Int?
        var lostError: String?
        let summary = try { () throws -> PipelineSummary in
            let pipeline = try FramePipeline(configuration: configuration(.continue))
            pipeline.onSourceLost = { [unowned pipeline] index, error in
                XCTAssertEqual(index, 1)
                lostError = "\(error)"
                shownAtLoss = pipeline.scheduler.lanes[0].statistics.shown
            }
            pipeline.start(frames: 80)
            XCTAssertTrue(waitUntil(timeout: 20) { pipeline.statistics.allSatisfy { $0.shown >= 10 } }, "both cameras on screen")
            // vivid keeps the instance unplugged while a descriptor is open;
            // the injector's goes when this scope ends, after the run.
            let injector = try FaultInjector("/dev/video4")
            try injector.press("disconnect")
            return try pipeline.wait { comparison = try LayerComparison.take($0) }
        }()
        XCTAssertEqual(summary.stopReason, .frameCount, "the other camera reached its frame count")
        XCTAssertEqual(lostError, "/dev/video4: the camera was unplugged while streaming (ENODEV, POLLERR|POLLHUP on its descriptor); reconnect it and start again")
        XCTAssertEqual(summary.sources[1].lost, lostError)
        XCTAssertNil(summary.sources[0].lost)
        XCTAssertEqual(summary.commits.sourcesLost, 1)
        let atLoss = try XCTUnwrap(shownAtLoss)
        XCTAssertGreaterThanOrEqual(summary.sources[0].statistics.shown, max(80, atLoss + 20), "the other camera went on")
        XCTAssertEqual(summary.poolViolations, [])
        let shot = try XCTUnwrap(comparison)
        XCTAssertEqual(shot.empty, [false, true], "the lost camera's plane is off")
        shot.assertExact(visible: [320 * 180, 0])
        XCTAssertEqual(try ScreenState.current(), screen, "the display shows what it showed before")
        XCTAssertEqual(try ProcessResources.kernelFramebufferIDs(), framebuffers, "every framebuffer removed")
        XCTAssertEqual(try ProcessResources.descriptorCount(settlingAt: descriptors), descriptors, "every fd closed: \(ProcessResources.descriptorTargets())")
        XCTAssertEqual(try ProcessResources.frameMappings(), [])
    }

    func testByDefaultTheRunStopsWithTheUsualOneLineError() throws {
        try Lab.require(boot: "unplug", "a vivid that may be disconnected and reloaded")
        try ReconnectDeviceTests.reloadVivid()
        let screen = try ScreenState.current()
        let child = try ChildProcess(Lab.framepipeExecutable.path, arguments: [
            "preview", "--device", "/dev/video0", "--device", "/dev/video4", "--format", "XR24", "--size", "320x180", "--fps", "25",
            "--frames", "100000",
        ], environment: ProcessInfo.processInfo.environment)
        XCTAssertTrue(try waitUntilFlipping(planes: 2, besides: screen), "framepipe streams: both cameras' frames flip on screen")
        try FaultInjector("/dev/video0").press("disconnect")
        let outcome = try XCTUnwrap(child.wait(timeout: 60), "framepipe did not exit")
        XCTAssertEqual(outcome.result.status, 74, outcome.result.stderr)
        XCTAssertEqual(outcome.result.stderr,
                       "framepipe: /dev/video0: the camera was unplugged while streaming (ENODEV, POLLERR|POLLHUP on its descriptor); reconnect it and start again\n")
        XCTAssertEqual(outcome.result.stdout, "")
        XCTAssertEqual(try ScreenState.current(), screen)
    }
}
