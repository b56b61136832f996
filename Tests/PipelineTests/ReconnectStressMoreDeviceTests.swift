import Foundation
import KMS
import Pipeline
import Platform
import TestSupport
import XCTest

/// The reconnect stress on the other event loop, and with two cameras on
/// one screen (the 'unplug' boot: vivid's /dev/video0 and /dev/video4).
/// ReconnectStressDeviceTests runs the default loop, one camera.
final class ReconnectStressMoreDeviceTests: XCTestCase {
    private func oneCamera(_ loop: EventLoopKind) throws -> PipelineConfiguration {
        var configuration = try PipelineConfiguration.load(path: repositoryRoot.appendingPathComponent("configs/vivid-vkms.json").path)
        configuration.reconnect = true
        configuration.eventLoop = loop
        return configuration
    }

    private func twoCameras(_ loop: EventLoopKind) -> PipelineConfiguration {
        let sources = ["/dev/video0", "/dev/video4"].map {
            SourceConfiguration(device: $0, format: FourCC("XR24"), width: 320, height: 180, frameRate: 25, controls: ["timestamp_source": 1])
        }
        var configuration = PipelineConfiguration(
            sink: SinkConfiguration(card: "/dev/dri/card0", connector: "Virtual-1"), sources: sources, layout: .grid, onSourceLoss: .stop)
        configuration.reconnect = true
        configuration.eventLoop = loop
        return configuration
    }

    private func prepare() throws {
        try Lab.require(boot: "unplug", "a vivid that may be disconnected and reloaded")
        try ReconnectDeviceTests.reloadVivid()
    }

    /// The Dispatch read-source loop (`--event-loop dispatch`), the two
    /// shapes that keep the driver loaded, a third as many cycles each.
    func testTheDispatchLoopSurvivesTheStressToo() throws {
        try prepare()
        let count = max(1, ReconnectStressRig.cycles / 3)
        let plan = (0..<count).map { (camera: 0, shape: $0 % 2 == 0 ? ReconnectStressRig.Shape.pluggedBackAtOnce : .heldUnplugged) }
        let summary = try ReconnectStressRig.run(oneCamera(.dispatch), cycles: plan)
        XCTAssertEqual(summary.sources[0].statistics.cameraReconnects, count)
    }

    /// Two cameras on one screen, each unplugged in turn (at once or held),
    /// on each loop: every return is that camera's, the other keeps
    /// showing frames, and the end leaves nothing behind.
    func testTwoCamerasOnOneScreenEachUnpluggedInTurn() throws {
        for loop in [EventLoopKind.thread, .dispatch] {
            try prepare()
            let count = max(2, ReconnectStressRig.cycles / 2)
            let plan = (0..<count).map { (camera: $0 % 2, shape: ($0 / 2) % 2 == 0 ? ReconnectStressRig.Shape.pluggedBackAtOnce : .heldUnplugged) }
            let summary = try ReconnectStressRig.run(twoCameras(loop), cycles: plan)
            XCTAssertEqual(summary.sources.map(\.statistics.cameraReconnects), [(count + 1) / 2, count / 2], "\(loop)")
            print("reconnect stress, two cameras, \(loop) loop: \(count) cycles, shown \(summary.sources.map(\.statistics.shown))")
        }
    }
}
