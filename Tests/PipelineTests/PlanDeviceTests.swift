import Foundation
import KMS
import Pipeline
import Platform
import TestSupport
import XCTest

/// `framepipe plan` and pinned choices that cannot work, in the lab's
/// default boot (vivid → vkms with overlay planes): the list is printed,
/// the error is one line naming what was tried, and the screen is left as
/// it was.
final class PlanDeviceTests: XCTestCase {
    private var config: String { repositoryRoot.appendingPathComponent("configs/vivid-vkms.json").path }

    private func primaryPlane() throws -> PlaneInfo {
        try XCTUnwrap(try Card.open(path: "/dev/dri/card0").describe().planes.first { $0.type == .primary })
    }

    func testPlanListsTheChosenPipelineAndWhyTheOnesBeforeItWereRefused() throws {
        try Lab.require()
        let screenBefore = try ScreenState.current()
        let primary = try primaryPlane()
        let result = try runFramepipe(["plan", "--config", config])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stderr, "")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "/dev/video0 → /dev/dri/card0, candidates in the order tried:")
        let crtc = try XCTUnwrap(try Card.open(path: "/dev/dri/card0").describe().crtcs.first).id
        let refused = "1. rejected: camera memory, XRGB8888 640x480 → plane \(primary.id) (primary) src 640x480+0+0 -> crtc 640x480+192+144, "
            + "unscaled, mode 1024x768@60.004Hz (the connector's preferred mode), CRTC \(crtc), connector Virtual-1: "
            + "TEST_ONLY EINVAL; the primary plane may have to cover the CRTC"
        XCTAssertEqual(lines.dropFirst().first, refused)
        XCTAssertTrue(lines.dropFirst(2).first?.hasPrefix("2. chosen: camera memory, XRGB8888 640x480 → plane ") == true, result.stdout)
        XCTAssertTrue(lines.dropFirst(2).first?.contains("(overlay) src 640x480+0+0 -> crtc 640x480+192+144, unscaled") == true, result.stdout)
        XCTAssertTrue(lines.contains { $0.contains("not tried: display memory") }, "later allocators are listed as not tried")
        XCTAssertTrue(lines.last?.hasPrefix("plan: camera memory, XRGB8888 640x480 → plane ") == true, result.stdout)
        XCTAssertTrue(lines.last?.hasSuffix("(1 candidate refused before it); 25 fps, as asked") == true, result.stdout)
        XCTAssertEqual(try ScreenState.current(), screenBefore, "plan shows nothing")
    }

    func testPlanAsJSON() throws {
        try Lab.require()
        let result = try runFramepipe(["plan", "--config", config, "--memory", "display", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let plan = try JSONDecoder().decode(PipelinePlan.self, from: Data(result.stdout.utf8))
        XCTAssertEqual(plan.camera, "/dev/video0")
        XCTAssertEqual(plan.card, "/dev/dri/card0")
        XCTAssertEqual(plan.chosen?.memory, "display memory")
        XCTAssertEqual(plan.chosen?.format, "XRGB8888")
        XCTAssertEqual(plan.rejected.first?.reason, "TEST_ONLY EINVAL; the primary plane may have to cover the CRTC")
        XCTAssertFalse(plan.entries.contains { $0.memory == "camera memory" }, "memory pinned: nothing else tried")
    }

    /// The primary plane and the preferred mode pinned: vkms's primary
    /// must cover the CRTC and cannot scale, so both ways of putting a
    /// 640x480 frame on it are refused, for every allocator.
    func testAPinnedPlaneThatCannotPlaceTheFrameIsOneLineListingWhatWasTried() throws {
        try Lab.require()
        let screenBefore = try ScreenState.current()
        let framebuffersBefore = try ProcessResources.kernelFramebufferIDs()
        let primary = try primaryPlane()
        let result = try runFramepipe(["preview", "--config", config, "--plane", "primary", "--mode", "1024x768", "--frames", "5"])
        XCTAssertEqual(result.status, 65, "data error: the pins cannot work; \(result.stderr)")
        XCTAssertEqual(result.stdout, "")
        XCTAssertEqual(result.stderr.filter { $0 == "\n" }.count, 1, "one line: \(result.stderr)")
        let text = result.stderr
        XCTAssertTrue(text.hasPrefix("framepipe: /dev/video0 → /dev/dri/card0: no zero-copy pipeline works; tried plane \(primary.id) (primary) "), text)
        XCTAssertTrue(text.contains("crtc 640x480+192+144, unscaled, mode 1024x768@60.004Hz (as requested)"), text)
        XCTAssertTrue(text.contains("[camera memory, display memory, heap system]: TEST_ONLY EINVAL; the primary plane may have to cover the CRTC"), text)
        XCTAssertTrue(text.contains("crtc 1024x768+0+0, scaled to fit"), text)
        XCTAssertTrue(text.contains("TEST_ONLY ERANGE; the plane may not scale"), text)
        XCTAssertTrue(text.hasSuffix("`framepipe plan` lists each\n"), text)
        XCTAssertEqual(try ScreenState.current(), screenBefore, "the display is left as it was found")
        XCTAssertEqual(try ProcessResources.kernelFramebufferIDs(), framebuffersBefore, "no framebuffer left behind")

        let plan = try runFramepipe(["plan", "--config", config, "--plane", "primary", "--mode", "1024x768"])
        XCTAssertEqual(plan.status, 65)
        let lines = plan.stdout.split(separator: "\n")
        XCTAssertEqual(lines.filter { $0.contains(": rejected: ") || $0.contains(". rejected: ") }.count, 6, plan.stdout)
        XCTAssertTrue(lines.last?.hasPrefix("plan: nothing works (6 candidates refused)") == true, plan.stdout)
    }

    func testAModeTheConnectorLacksIsOneLineListingTheModes() throws {
        try Lab.require()
        let screenBefore = try ScreenState.current()
        let result = try runFramepipe(["preview", "--config", config, "--mode", "1111x333", "--frames", "5"])
        XCTAssertEqual(result.status, 65, result.stderr)
        XCTAssertEqual(result.stderr.filter { $0 == "\n" }.count, 1, "one line: \(result.stderr)")
        XCTAssertTrue(result.stderr.hasPrefix("framepipe: mode '1111x333' not offered by connector Virtual-1 on /dev/dri/card0; available: 1024x768@60.004Hz (preferred), "), result.stderr)
        XCTAssertEqual(try ScreenState.current(), screenBefore)
    }

    /// An unknown `source.memory` in a file is a configuration error
    /// naming the key path (exit 65), before any device is opened.
    func testAnUnknownMemoryInTheFileNamesTheKeyPath() throws {
        try Lab.require()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("memory-\(getpid()).json")
        try #"{"source": {"device": "/dev/video0", "memory": "gpu"}, "sink": {"card": "/dev/dri/card0"}}"#.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try runFramepipe(["preview", "--config", file.path])
        XCTAssertEqual(result.status, 65)
        XCTAssertEqual(
            result.stderr,
            "framepipe: \(file.path): source.memory: expected \"auto\", \"camera\", \"display\", \"heap\" or \"heap:NAME\" (e.g. \"heap:linux,cma\"), got \"gpu\"\n")
    }
}
