import Dispatch
import Foundation
import KMS
import Pipeline
import Platform
import Synchronization
import TestSupport
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// The reconnect stress tests' machinery: one pipeline, a camera unplugged
/// and back again cycle after cycle in one of three shapes, and what the
/// end must leave behind (ReconnectStressDeviceTests,
/// ReconnectStressMoreDeviceTests).
enum ReconnectStressRig {
    /// How many cycles a shape runs (`FRAMEPIPE_STRESS_CYCLES`, 100).
    static var cycles: Int {
        Int(ProcessInfo.processInfo.environment["FRAMEPIPE_STRESS_CYCLES"] ?? "") ?? 100
    }

    enum Shape: CustomStringConvertible {
        /// Pressed, the presser's descriptor closed at once.
        case pluggedBackAtOnce
        /// Pressed, the presser's descriptor held while framepipe waits.
        case heldUnplugged
        /// Pressed, then vivid unloaded and loaded again while framepipe waits.
        case driverReloaded

        var description: String {
            switch self {
            case .pluggedBackAtOnce: return "plugged back at once"
            case .heldUnplugged: return "held unplugged by another descriptor"
            case .driverReloaded: return "driver unloaded and loaded again"
            }
        }
    }

    /// Runs one pipeline through `shapes`, one unplug and return each, and
    /// checks what every return and the end leave behind.
    static func run(
        _ configuration: PipelineConfiguration, cycles plan: [(camera: Int, shape: Shape)], file: StaticString = #filePath, line: UInt = #line
    ) throws -> PipelineSummary {
        let descriptorsBefore = try ProcessResources.descriptorCount()
        let mappingsBefore = try ProcessResources.frameMappings()
        let framebuffersBefore = try ProcessResources.kernelFramebufferIDs()
        let screenBefore = try ScreenState.current()

        let summary = try cycle(configuration, through: plan, file: file, line: line)
        XCTAssertEqual(summary.stopReason, .requested, file: file, line: line)
        XCTAssertEqual(summary.poolViolations, [], file: file, line: line)
        XCTAssertEqual(try ScreenState.current(), screenBefore, "the display as it was found", file: file, line: line)
        XCTAssertEqual(try ProcessResources.descriptorCount(settlingAt: descriptorsBefore), descriptorsBefore,
                       "every fd closed: \(ProcessResources.descriptorTargets())", file: file, line: line)
        // Device memory only: the process's other mappings (thread stacks
        // of the first run's dispatch workers) are not the pipeline's.
        XCTAssertEqual(try ProcessResources.frameMappings(), mappingsBefore, "no frame memory left mapped", file: file, line: line)
        XCTAssertEqual(try ProcessResources.kernelFramebufferIDs(), framebuffersBefore,
                       "every framebuffer removed, the held ones too", file: file, line: line)
        return summary
    }

    /// The pipeline's life, in a scope of its own so that it is gone
    /// (descriptors closed, memory unmapped) when the caller checks.
    /// The pipeline's life, in a scope of its own so that it is gone
    /// (descriptors closed, memory unmapped) when the caller checks. Each
    /// cycle unplugs the camera at the position it names; the others go on.
    private static func cycle(
        _ configuration: PipelineConfiguration, through plan: [(camera: Int, shape: Shape)], file: StaticString, line: UInt
    ) throws -> PipelineSummary {
        let cameras = configuration.isComposite ? configuration.sources.map(\.device) : [configuration.source.device]
        let session = try FramePipeline(configuration: configuration)
        let away = DispatchSemaphore(value: 0)
        let back = DispatchSemaphore(value: 0)
        let which = Mutex<[String]>([])
        session.onCameraAway = { index, _ in
            which.withLock { $0.append("away \(index)") }
            away.signal()
        }
        session.onCameraBack = { index, _ in
            which.withLock { $0.append("back \(index)") }
            back.signal()
        }
        session.start()
        XCTAssertTrue(waitUntil(timeout: 20) { session.statistics.allSatisfy { $0.shown >= 5 } }, "frames on screen", file: file, line: line)
        for (cycle, (camera, shape)) in plan.enumerated() {
            let what = "cycle \(cycle + 1) (\(cameras[camera]), \(shape))"
            var injector: FaultInjector? = try FaultInjector(cameras[camera])
            try injector?.press("disconnect")
            switch shape {
            case .pluggedBackAtOnce:
                injector = nil
                XCTAssertEqual(away.wait(timeout: .now() + 10), .success, "\(what): the unplug was noticed", file: file, line: line)
            case .heldUnplugged:
                XCTAssertEqual(away.wait(timeout: .now() + 10), .success, "\(what): the unplug was noticed", file: file, line: line)
                // The fault's shape, not a synchronisation: the camera stays
                // unplugged across a few of the pipeline's searches for it.
                usleep(300_000)
                XCTAssertTrue(session.onQueue { session.isWaitingForCamera }, "\(what): still waiting", file: file, line: line)
                injector = nil
            case .driverReloaded:
                XCTAssertEqual(away.wait(timeout: .now() + 10), .success, "\(what): the unplug was noticed", file: file, line: line)
                // vivid would plug the old instance back in when the
                // injector closes: the search waits until it is reloaded.
                session.onQueue { session.cameraSearchPaused = true }
                injector = nil
                try ReconnectDeviceTests.reloadVivid(file: file, line: line)
                session.onQueue { session.cameraSearchPaused = false }
            }
            guard back.wait(timeout: .now() + 15) == .success else {
                XCTFail("\(what): the camera was not found again", file: file, line: line)
                break
            }
            XCTAssertEqual(which.withLock { $0.suffix(2) }, ["away \(camera)", "back \(camera)"], "\(what): that camera", file: file, line: line)
            // Every camera shows new frames: the one back and the others.
            let shownAtReturn = session.statistics.map(\.shown)
            guard waitUntil(timeout: 15, { zip(session.statistics, shownAtReturn).allSatisfy { $0.shown >= $1 + 3 } }) else {
                XCTFail("\(what): no new frames after the return (\(session.statistics))", file: file, line: line)
                break
            }
        }
        session.stop()
        return try session.wait()
    }
}
