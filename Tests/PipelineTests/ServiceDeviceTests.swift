import Foundation
import Platform
import TestSupport
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// What a service's operator and packaging/framepipe.service rely on (lab,
/// default boot): `preview --check-config` says a good file is valid
/// without opening a device, even while another framepipe (the service)
/// streams from the camera and holds the display, and refuses a missing
/// heap with the run's exit code; the unit's ExecStart (`preview
/// --reconnect`) stops on `systemctl stop`'s SIGTERM with exit 143
/// (SuccessExitStatus) and the display as it was. ServiceUnitDeviceTests
/// run the unit itself under systemd.
final class ServiceDeviceTests: XCTestCase {
    private var vividVkms: String { repositoryRoot.appendingPathComponent("configs/vivid-vkms.json").path }

    func testCheckConfigSaysValidWithoutOpeningEvenWhileAnotherRunHoldsTheDevices() throws {
        try Lab.require()
        let expected = "\(vividVkms): valid; camera /dev/video0, display /dev/dri/card0 (readable and writable by root; not opened)\n"
        let idle = try runFramepipe(["preview", "--check-config", vividVkms])
        XCTAssertEqual(idle.status, 0, idle.stderr)
        XCTAssertEqual(idle.stdout, expected)
        XCTAssertEqual(idle.stderr, "")

        let screenBefore = try ScreenState.current()
        let running = try ChildProcess(Lab.framepipeExecutable.path, arguments: [
            "preview", "--config", vividVkms, "--frames", "100000",
        ], environment: ProcessInfo.processInfo.environment)
        XCTAssertTrue(try waitUntilFlipping(besides: screenBefore), "the other framepipe streams")
        let busy = try runFramepipe(["preview", "--check-config", vividVkms])
        XCTAssertEqual(busy.status, 0, busy.stderr)
        XCTAssertEqual(busy.stdout, expected, "the camera streaming and DRM master held elsewhere change nothing: nothing was opened")
        // A run beside it would have been refused (the card's master is taken).
        let refused = try runFramepipe(["preview", "--config", vividVkms, "--frames", "5"])
        XCTAssertNotEqual(refused.status, 0, refused.stdout)
        running.send(SIGINT)
        let outcome = try XCTUnwrap(running.wait(timeout: 60), "framepipe did not exit")
        XCTAssertEqual(outcome.result.status, 130, outcome.result.stderr)
        XCTAssertEqual(try ScreenState.current(), screenBefore)
    }

    func testCheckConfigJudgesTheHeapAPinnedMemoryNames() throws {
        try Lab.require()
        let present = try runFramepipe(["preview", "--check-config", vividVkms, "--memory", "heap:system"])
        XCTAssertEqual(present.status, 0, present.stderr)
        XCTAssertEqual(present.stdout, "\(vividVkms): valid; camera /dev/video0, display /dev/dri/card0, heap /dev/dma_heap/system (readable and writable by root; not opened)\n")
        let absent = try runFramepipe(["preview", "--check-config", vividVkms, "--memory", "heap:linux,cma"])
        XCTAssertEqual(absent.status, 66, absent.stderr)
        XCTAssertEqual(absent.stderr, "framepipe: dma-buf heap /dev/dma_heap/linux,cma does not exist\n")
        let auto = try runFramepipe(["preview", "--check-config", vividVkms, "--device", "auto", "--card", "auto"])
        XCTAssertEqual(auto.status, 0, auto.stderr)
        XCTAssertEqual(auto.stdout, "\(vividVkms): valid; camera auto (/dev/video0 among \(numberedDeviceNodes(in: "/dev", prefix: "video").count)), "
            + "display auto (/dev/dri/card0 among \(numberedDeviceNodes(in: "/dev/dri", prefix: "card").count)) (readable and writable by root; not opened)\n")
    }

    func testSIGTERMStopsAReconnectingPreviewCleanlyWithExit143() throws {
        try Lab.require()
        let screenBefore = try ScreenState.current()
        let child = try ChildProcess(Lab.framepipeExecutable.path, arguments: [
            "preview", "--config", vividVkms, "--reconnect", "--frames", "100000",
        ], environment: ProcessInfo.processInfo.environment)
        XCTAssertTrue(try waitUntilFlipping(besides: screenBefore), "framepipe streams")
        child.send(SIGTERM)
        let outcome = try XCTUnwrap(child.wait(timeout: 60), "framepipe did not exit")
        XCTAssertEqual(outcome.result.status, 143, outcome.result.stderr)
        XCTAssertNil(outcome.result.terminatingSignal, "a clean stop, not death by the signal")
        XCTAssertEqual(outcome.result.stderr, "", "no line on stderr for a requested stop")
        XCTAssertTrue(outcome.result.stdout.contains("\nstopped: SIGTERM;"), outcome.result.stdout)
        XCTAssertEqual(try ScreenState.current(), screenBefore, "the display as it was found")
    }
}
