import Conversion
import Foundation
import KMS
import Pipeline
import Platform
@testable import Planning
import TestSupport
import V4L2
import XCTest

/// vimc in the lab (boot 'media'): a media-controller camera, sensor →
/// debayer → scaler → "RGB/YUV Capture", whose node captures RGB3/BGR3/BA24
/// only (shown through the copy path). Each test sets the pipeline's pads
/// with media-ctl first, as a vendor's tools would, and reads them back
/// with media-ctl, not with framepipe's own code.
final class MediaDeviceTests: XCTestCase {
    /// vimc's media device and the nodes the tests use.
    struct Vimc {
        var media: String
        var capture: String
        var raw: String
        var sensor: String

        static func find() throws -> Vimc {
            for path in MediaDevice.nodePaths(kernel: SystemKernel.shared) {
                guard let graph = try? MediaDevice.graph(path, kernel: SystemKernel.shared), graph.driver == "vimc" else { continue }
                return Vimc(media: path, capture: try XCTUnwrap(graph.entities.first { $0.name == "RGB/YUV Capture" }?.node),
                            raw: try XCTUnwrap(graph.entities.first { $0.name == "Raw Capture 0" }?.node),
                            sensor: try XCTUnwrap(graph.entities.first { $0.name == "Sensor A" }?.node))
            }
            throw XCTSkip("no vimc media device: this class runs in the lab boot 'media' (scripts/lab --vimc on)")
        }

        /// Runs media-ctl on vimc's media device.
        @discardableResult
        func mediaCtl(_ arguments: [String]) throws -> String {
            let result = try spawnAndWait("/usr/bin/media-ctl", arguments: ["-d", media] + arguments, environment: [:])
            XCTAssertEqual(result.status, 0, "media-ctl \(arguments): \(result.stderr)")
            return result.stdout
        }

        /// Every pad's format and crop line as media-ctl prints them.
        func padFormats() throws -> [String] {
            try mediaCtl(["-p"]).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { $0.hasPrefix("[fmt:") || $0.hasPrefix("crop") || $0.hasPrefix("- entity") }
        }

        /// vimc as it loads: sensors RGB888 (the debayers' sinks want Bayer:
        /// a fresh vimc cannot stream), scaler 640x480 uncropped.
        func setFresh() throws {
            try mediaCtl(["-V", "\"Sensor A\":0[fmt:RGB888_1X24/640x480]"])
            try mediaCtl(["-V", "\"Debayer A\":0[fmt:SRGGB8_1X8/640x480]"])
            try mediaCtl(["-V", "\"Scaler\":0[fmt:RGB888_1X24/640x480]"])
            try setNode(raw, "RGB3")
        }

        /// A pipeline a vendor's tools set up: SGRBG8 640x480 along the
        /// chain, the raw node in step, and the sensor's on-screen text
        /// (a frame counter) off, so that every frame is the same picture.
        func setConfigured() throws {
            let osd = try spawnAndWait("/usr/bin/v4l2-ctl", arguments: ["-d", sensor, "-c", "show_information=2"], environment: [:])
            XCTAssertEqual(osd.status, 0, "v4l2-ctl: \(osd.stderr)")
            try mediaCtl(["-V", "\"Sensor A\":0[fmt:SGRBG8_1X8/640x480]"])
            try mediaCtl(["-V", "\"Debayer A\":0[fmt:SGRBG8_1X8/640x480]"])
            try mediaCtl(["-V", "\"Scaler\":0[fmt:RGB888_1X24/640x480]"])
            try mediaCtl(["-V", "\"Scaler\":1[fmt:RGB888_1X24/640x480]"])
            try setNode(raw, "GRBG")
        }

        /// Unbinds vimc's platform device from its driver (its nodes go,
        /// as an unplugged camera's) or binds it again (new nodes, every
        /// pad at the driver's defaults).
        static func bind(_ bound: Bool) throws {
            let path = "/sys/bus/platform/drivers/vimc/" + (bound ? "bind" : "unbind")
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            try handle.write(contentsOf: Data("vimc.0".utf8))
            guard bound else { return }
            // New nodes, 0600 as devtmpfs makes them: world-usable again,
            // as the lab leaves every node at boot (scripts/lab).
            let nodes = VideoDevice.nodePaths(kernel: SystemKernel.shared) + MediaDevice.nodePaths(kernel: SystemKernel.shared)
                + numberedDeviceNodes(in: "/dev", prefix: "v4l-subdev", kernel: SystemKernel.shared)
            for node in nodes { XCTAssertEqual(chmod(node, 0o666), 0, node) }
        }

        func setNode(_ node: String, _ fourcc: String) throws {
            let result = try spawnAndWait("/usr/bin/v4l2-ctl", arguments: ["-d", node, "--set-fmt-video=width=640,height=480,pixelformat=\(fourcc)"], environment: [:])
            XCTAssertEqual(result.status, 0, "v4l2-ctl: \(result.stderr)")
        }
    }

    private func configuration(_ vimc: Vimc, width: Int = 640, height: Int = 480, media: MediaPolicy = .auto) -> PipelineConfiguration {
        var configuration = PipelineConfiguration()
        configuration.source.device = vimc.capture
        configuration.source.width = width
        configuration.source.height = height
        configuration.source.media = media
        configuration.sink.card = "/dev/dri/card0"
        configuration.copy = .allowed
        return configuration
    }

    func testAPipelineConfiguredByHandIsUsedAsItIsAndShownPixelExact() throws {
        try Lab.require(boot: "media", "vimc")
        let vimc = try Vimc.find()
        try vimc.setConfigured()
        let before = try vimc.padFormats()
        let screenBefore = try ScreenState.current()
        let session = try FramePipeline(configuration: configuration(vimc))
        XCTAssertEqual(session.sources[0].media, "media \(vimc.media) (vimc): Sensor A :0 SGRBG8_1X8/640x480 → Debayer A :0 SGRBG8_1X8/640x480 "
            + ":1 RGB888_1X24/640x480 → Scaler :0 RGB888_1X24/640x480 :1 RGB888_1X24/640x480; Raw Capture 0 (\(vimc.raw)) kept at 'GRBG' 640x480 "
            + "→ RGB/YUV Capture (as configured)")
        XCTAssertEqual(session.plan.chosen?.memory, "copy from RGB3 (libyuv)")
        var comparison: ScreenComparison?
        let summary = try session.run(frames: 10, beforeTeardown: { session in
            let capture = session.captureFormat
            let converter = try FrameConverter(format: .rgb24, width: Int(capture.width), height: Int(capture.height),
                                               bytesPerLine: Int(capture.planes[0].bytesPerLine))
            comparison = try ScreenComparison.takeConverted(session, converter: converter, bufferWidth: 640, bufferHeight: 480)
        })
        try XCTUnwrap(comparison).assertExact(expectedPixels: 640 * 480)
        XCTAssertEqual(summary.statistics.shown, 10)
        XCTAssertEqual(summary.width, 640)
        XCTAssertEqual(summary.poolViolations, [])
        XCTAssertEqual(try vimc.padFormats(), before, "nothing on the pipeline changed")
        XCTAssertEqual(try ScreenState.current(), screenBefore)
    }

    func testALargerSizeIsScaledByTheScalerAndEveryPadIsPutBack() throws {
        try Lab.require(boot: "media", "vimc")
        let vimc = try Vimc.find()
        try vimc.setFresh()
        let before = try vimc.padFormats()
        var during: [String] = []
        let session = try FramePipeline(configuration: configuration(vimc, width: 1280, height: 720))
        let summary = try session.run(frames: 10, beforeTeardown: { _ in during = try vimc.padFormats() })
        XCTAssertEqual(summary.statistics.shown, 10)
        XCTAssertEqual(summary.width, 1280)
        XCTAssertEqual(summary.height, 720)
        XCTAssertEqual(session.captureFormat.frameFormat.description, "'RGB3' 1280x720")
        // While it ran, read by media-ctl: the sensor kept its 640x480 mode
        // in a Bayer code the debayer takes, the scaler cropped 16:9 out of
        // it and scaled to 1280x720.
        let text = during.joined(separator: "\n")
        XCTAssertTrue(text.contains("- entity 1: Sensor A (1 pad, 2 links)\n[fmt:SBGGR8_1X8/640x480"), text)
        XCTAssertTrue(text.contains("- entity 5: Debayer A (2 pads, 2 links)\n[fmt:SBGGR8_1X8/640x480"), text)
        XCTAssertTrue(text.contains("crop:(0,60)/640x360"), text)
        XCTAssertTrue(text.contains("[fmt:RGB888_1X24/1280x720"), text)
        XCTAssertNotEqual(during, before)
        XCTAssertEqual(try vimc.padFormats(), before, "every pad as found after the run")
    }

    func testAMismatchLeftOnPurposeIsOneLineNamingTheLinkAndTheScreenIsUntouched() throws {
        try Lab.require(boot: "media", "vimc")
        let vimc = try Vimc.find()
        try vimc.setConfigured()
        try vimc.mediaCtl(["-V", "\"Scaler\":0[fmt:RGB888_1X24/320x240]"])
        let before = try vimc.padFormats()
        let screenBefore = try ScreenState.current()
        let result = try runFramepipe(["preview", "--device", vimc.capture, "--media", "as-is", "--allow-copy", "--frames", "5"])
        XCTAssertEqual(result.status, 65, result.stderr)
        XCTAssertEqual(result.stderr, "framepipe: \(vimc.capture): the media link \"Debayer A\":1 → \"Scaler\":0 carries RGB888_1X24/640x480 at its source "
            + "but RGB888_1X24/320x240 at its sink (the kernel refuses to stream: EPIPE); set them equal (media-ctl -V) or let framepipe configure "
            + "the pipeline (--media auto)\n")
        XCTAssertEqual(result.stdout, "")
        XCTAssertEqual(try vimc.padFormats(), before)
        XCTAssertEqual(try ScreenState.current(), screenBefore)
        // Asked for a size the pipeline as it is does not give, as-is says so too.
        try vimc.setConfigured()
        let size = try runFramepipe(["preview", "--device", vimc.capture, "--media", "as-is", "--allow-copy", "--size", "320x240", "--frames", "5"])
        XCTAssertEqual(size.status, 65, size.stderr)
        XCTAssertEqual(size.stderr, "framepipe: \(vimc.capture): the media pipeline gives RGB888_1X24/640x480 at \"Scaler\":1, not the asked 320x240; "
            + "ask for that, or let framepipe configure the pipeline (--media auto)\n")
    }

    /// Nothing feeds the scaler (its link from the debayer disabled, as
    /// after `media-ctl -l`): refused with the link named unless
    /// --enable-media-links, which enables it for the run and disables it
    /// again at exit (left enabled with --media persist).
    func testADisabledLinkIsEnabledOnlyWhenAllowedAndDisabledAgainAtExit() throws {
        try Lab.require(boot: "media", "vimc")
        let vimc = try Vimc.find()
        try vimc.setConfigured()
        let link = "\"Debayer A\":1->\"Scaler\":0"
        try vimc.mediaCtl(["-l", link + "[0]"])
        defer { _ = try? vimc.mediaCtl(["-l", link + "[1]"]) }
        let before = try vimc.padFormats()
        let links = { try vimc.mediaCtl(["-p"]).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.hasPrefix("->") || $0.hasPrefix("<-") } }
        let linksBefore = try links()
        XCTAssertTrue(linksBefore.contains("<- \"Debayer A\":1 []"), "\(linksBefore)")
        let screenBefore = try ScreenState.current()

        let refused = try runFramepipe(["preview", "--device", vimc.capture, "--allow-copy", "--frames", "5"])
        XCTAssertEqual(refused.status, 65, refused.stderr)
        XCTAssertEqual(refused.stderr, "framepipe: \(vimc.capture): no enabled media link feeds Scaler; enabling \"Debayer A\":1 → \"Scaler\":0 changes the board's routing: "
            + "allow it with --enable-media-links (source key enableMediaLinks) or enable a link with media-ctl -l\n")
        XCTAssertEqual(try links(), linksBefore)
        XCTAssertEqual(try ScreenState.current(), screenBefore)

        let allowed = try runFramepipe(["preview", "--device", vimc.capture, "--allow-copy", "--enable-media-links", "--frames", "5"])
        XCTAssertEqual(allowed.status, 0, allowed.stderr)
        XCTAssertTrue(allowed.stdout.contains("link \"Debayer A\":1 → \"Scaler\":0 enabled by framepipe, disabled at exit)"), allowed.stdout)
        XCTAssertTrue(allowed.stdout.contains("5 frames shown in"), allowed.stdout)
        XCTAssertEqual(try links(), linksBefore, "the link disabled again")
        XCTAssertEqual(try vimc.padFormats(), before)
        XCTAssertEqual(try ScreenState.current(), screenBefore)

        let kept = try runFramepipe(["preview", "--device", vimc.capture, "--allow-copy", "--enable-media-links", "--media", "persist", "--frames", "5"])
        XCTAssertEqual(kept.status, 0, kept.stderr)
        XCTAssertTrue(try links().contains("<- \"Debayer A\":1 [ENABLED]"), "left enabled with --media persist")
    }

    /// vimc's node has no VIDIOC_S_PARM and its sensor no frame interval
    /// calls (it runs at its own rate): a rate asked for is refused naming
    /// both, every pad as found.
    func testARateNeitherTheNodeNorTheSensorSetsIsRefusedNamingBoth() throws {
        try Lab.require(boot: "media", "vimc")
        let vimc = try Vimc.find()
        try vimc.setFresh()
        let before = try vimc.padFormats()
        let screenBefore = try ScreenState.current()
        let result = try runFramepipe(["preview", "--device", vimc.capture, "--allow-copy", "--size", "1280x720", "--fps", "30", "--frames", "5"])
        XCTAssertEqual(result.status, 65, result.stderr)
        XCTAssertEqual(result.stderr, "framepipe: \(vimc.capture): cannot set a frame interval of 30 fps: neither the node (VIDIOC_S_PARM) nor Sensor A (\(vimc.sensor)) "
            + "(VIDIOC_SUBDEV_S_FRAME_INTERVAL) sets one; leave the rate out (--fps, source.frameRate) and the pipeline runs at its own\n")
        XCTAssertEqual(try vimc.padFormats(), before, "the pads framepipe set on the way are put back")
        XCTAssertEqual(try ScreenState.current(), screenBefore)
    }

    /// `plan` lists the sensor modes tried after the display candidates,
    /// and `plan --json` carries them with the media line.
    func testPlanListsTheSensorModesTriedAndPutsThePadsBack() throws {
        try Lab.require(boot: "media", "vimc")
        let vimc = try Vimc.find()
        try vimc.setFresh()
        let before = try vimc.padFormats()
        let text = try runFramepipe(["plan", "--device", vimc.capture, "--allow-copy", "--size", "1280x720"])
        XCTAssertEqual(text.status, 0, text.stderr)
        let lines = text.stdout.split(separator: "\n").map(String.init)
        let start = try XCTUnwrap(lines.firstIndex(of: "sensor modes of the media pipeline, in the order tried:"), text.stdout)
        // Every code vimc's sensor lists, in its order, until the first
        // Bayer code: the debayer's sink pad lists only those, so the others
        // are passed over unset; the sensor keeps its 640x480 mode (the
        // scaler scales). The modes after it are not tried.
        let modes = Array(lines[(start + 1)...].prefix { $0.first?.isNumber == true })
        XCTAssertEqual(modes.first, "1. RGB888_1X24: rejected: \"Debayer A\":0 does not take it")
        XCTAssertEqual(modes.last, "\(modes.count). SBGGR8_1X8/640x480: chosen")
        XCTAssertEqual(modes.filter { $0.hasSuffix(": rejected: \"Debayer A\":0 does not take it") }.count, modes.count - 1, "\(modes)")
        XCTAssertTrue(lines.contains { $0.hasPrefix("media \(vimc.media) (vimc): Sensor A :0 SBGGR8_1X8/640x480 → ") }, text.stdout)
        XCTAssertEqual(try vimc.padFormats(), before)
        let json = try runFramepipe(["plan", "--device", vimc.capture, "--allow-copy", "--size", "1280x720", "--json"])
        XCTAssertEqual(json.status, 0, json.stderr)
        let plan = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let media = try XCTUnwrap(plan["media"] as? [String: Any], json.stdout)
        XCTAssertTrue((media["pipeline"] as? String)?.hasPrefix("media \(vimc.media) (vimc): ") == true, "\(media)")
        XCTAssertEqual((media["sensorModes"] as? [[String: Any]])?.compactMap { $0["chosen"] as? Bool }, Array(repeating: false, count: modes.count - 1) + [true])
        XCTAssertEqual(try vimc.padFormats(), before)
    }

    /// vimc unbound mid-run (its nodes gone, as an unplugged camera's) and
    /// bound again (nodes renumbered, every node sharing one bus_info, the
    /// pads at the driver's defaults, which cannot stream): with reconnect
    /// on, the pipeline finds its node again by its entity, configures the
    /// media pipeline again, shows new frames at the asked size, and puts
    /// back at exit the pads the rebound vimc had.
    func testAfterAnUnbindAndBindTheMediaPipelineIsConfiguredAgain() throws {
        try Lab.require(boot: "media", "vimc")
        let vimc = try Vimc.find()
        try vimc.setFresh()
        var configuration = configuration(vimc, width: 1280, height: 720)
        configuration.reconnect = true
        let session = try FramePipeline(configuration: configuration)
        let away = DispatchSemaphore(value: 0)
        let back = DispatchSemaphore(value: 0)
        session.onCameraAway = { _, _ in away.signal() }
        session.onCameraBack = { _, _ in back.signal() }
        session.start()
        XCTAssertTrue(waitUntil(timeout: 15) { session.statistics[0].shown >= 10 }, "frames on screen")
        try Vimc.bind(false)
        XCTAssertEqual(away.wait(timeout: .now() + 5), .success, "the pipeline noticed the camera went")
        // Bound again while the search waits: the pads as the driver sets them.
        session.onQueue { session.cameraSearchPaused = true }
        try Vimc.bind(true)
        let rebound = try Vimc.find()
        let defaults = try rebound.padFormats()
        XCTAssertTrue(defaults.joined(separator: "\n").contains("[fmt:RGB888_1X24/640x480"), "\(defaults)")
        session.onQueue { session.cameraSearchPaused = false }
        XCTAssertEqual(back.wait(timeout: .now() + 10), .success, "the camera was found again")
        let shownAtReturn = session.statistics[0].shown
        XCTAssertTrue(waitUntil(timeout: 15) { session.statistics[0].shown >= shownAtReturn + 10 }, "new frames after the return")
        XCTAssertEqual(session.captureFormat.frameFormat.description, "'RGB3' 1280x720")
        session.stop()
        let summary = try session.wait()
        XCTAssertEqual(summary.statistics.cameraReconnects, 1)
        XCTAssertNil(summary.sources[0].lost)
        XCTAssertTrue(summary.sources[0].media?.hasPrefix("media \(rebound.media) (vimc): Sensor A :0 SBGGR8_1X8/640x480 → ") == true, "\(summary.sources[0].media ?? "")")
        XCTAssertEqual(try rebound.padFormats(), defaults, "the rebound vimc's pads as they were found")
    }

    /// vimc's raw capture node: its sensor also feeds the debayer, so the
    /// graph into it is not one chain. framepipe says so in one line and
    /// uses the pipeline as configured, changing no pad: here Bayer GRBG,
    /// which no plane shows and the copy path does not convert, so the
    /// plan is refused (65) after the warning.
    func testAGraphThatIsNotOneChainIsSaidAndUsedAsConfigured() throws {
        try Lab.require(boot: "media", "vimc")
        let vimc = try Vimc.find()
        try vimc.setConfigured()
        let before = try vimc.padFormats()
        let result = try runFramepipe(["plan", "--device", vimc.raw, "--allow-copy"])
        XCTAssertEqual(result.status, 65, result.stderr)
        XCTAssertTrue(result.stderr.contains("\(vimc.raw): the media pipeline in \(vimc.media) is not one chain (Sensor A also feeds Debayer A); "
            + "framepipe uses it as configured"), result.stderr)
        XCTAssertTrue(result.stderr.hasSuffix("framepipe: camera \(vimc.raw) captures GRBG: none is shown by the display as is and none can be converted; "
            + "framepipe converts YUYV (YUYV 4:2:2), UYVY (UYVY 4:2:2), NV12 (NV12), NV21 (NV21), YU12 (YUV420), NV16 (NV16), RGBP (RGB565), "
            + "RGB3 (RGB24), BGR3 (BGR24), MJPG (MJPEG)\n"), "only what the sensor's pad carries: \(result.stderr)")
        XCTAssertEqual(try vimc.padFormats(), before)
        // Another size than the pad carries: refused naming it.
        let size = try runFramepipe(["preview", "--device", vimc.raw, "--allow-copy", "--size", "1280x720", "--frames", "3"])
        XCTAssertEqual(size.status, 65, size.stderr)
        XCTAssertTrue(size.stderr.hasSuffix("framepipe: \(vimc.raw): the media pipeline gives SGRBG8_1X8/640x480 at \"Sensor A\":0, not the asked 1280x720, "
            + "and framepipe cannot configure a graph that is not one chain; ask for that, or set the pads with media-ctl -V\n"), size.stderr)
        // A link elsewhere in the graph that differs (sensor → debayer):
        // the kernel refuses to stream the raw node too, and that link is named.
        try vimc.setFresh()
        let refused = try runFramepipe(["preview", "--device", vimc.raw, "--allow-copy", "--frames", "3"])
        XCTAssertEqual(refused.status, 65, refused.stderr)
        XCTAssertTrue(refused.stderr.hasSuffix("framepipe: \(vimc.raw): the media link \"Sensor A\":0 → \"Debayer A\":0 carries RGB888_1X24/640x480 at its source "
            + "but SRGGB8_1X8/640x480 at its sink (the kernel refuses to stream: EPIPE), and framepipe cannot configure a graph that is not one chain; "
            + "set them equal with media-ctl -V\n"), refused.stderr)
    }

    func testListJSONMatchesMediaCtl() throws {
        try Lab.require(boot: "media", "vimc")
        let vimc = try Vimc.find()
        try vimc.setConfigured()
        let result = try runFramepipe(["list", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let devices = try XCTUnwrap(report["mediaDevices"] as? [[String: Any]])
        let graph = try XCTUnwrap(devices.first { $0["path"] as? String == vimc.media })
        XCTAssertEqual(graph["driver"] as? String, "vimc")
        XCTAssertEqual(graph["pipelines"] as? [String], ["Sensor A → Debayer A → Scaler → RGB/YUV Capture (\(vimc.capture))"])
        // media-ctl -p: "- entity 5: Debayer A (2 pads, 2 links)", then each
        // pad's "[fmt:CODE/WxH ..." for subdevices.
        var expected: [String: (pads: Int, formats: [String])] = [:]
        var current: String?
        for line in try vimc.mediaCtl(["-p"]).split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if line.hasPrefix("- entity "), let colon = line.firstIndex(of: ":"), let open = line.lastIndex(of: "(") {
                let name = line[line.index(colon, offsetBy: 2)..<open].trimmingCharacters(in: .whitespaces)
                let pads = Int(line[line.index(after: open)...].prefix { $0.isNumber }) ?? -1
                expected[name] = (pads, [])
                current = name
            } else if line.hasPrefix("[fmt:"), let name = current {
                expected[name]?.formats.append(String(line.dropFirst(5).prefix { $0 != " " && $0 != "]" }))
            }
        }
        let entities = try XCTUnwrap(graph["entities"] as? [[String: Any]])
        XCTAssertEqual(Set(entities.compactMap { $0["name"] as? String }), Set(expected.keys))
        for entity in entities {
            let name = try XCTUnwrap(entity["name"] as? String)
            let pads = try XCTUnwrap(entity["pads"] as? [[String: Any]])
            XCTAssertEqual(pads.count, expected[name]?.pads, name)
            XCTAssertEqual(pads.compactMap { $0["formatText"] as? String }, expected[name]?.formats, name)
        }
        XCTAssertEqual(expected["Sensor A"]?.formats, ["SGRBG8_1X8/640x480"], "the comparison saw the formats")
    }

    func testBenchReportsTheMediaPipeline() throws {
        try Lab.require(boot: "media", "vimc")
        let vimc = try Vimc.find()
        try vimc.setFresh()
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("fp-bench-vimc-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let bench = try runFramepipe(["bench", "--device", vimc.capture, "--allow-copy", "--frames", "10", "--out", out])
        XCTAssertEqual(bench.status, 0, bench.stderr)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/report.json"))) as? [String: Any])
        let camera = try XCTUnwrap((report["cameras"] as? [[String: Any]])?.first)
        let media = try XCTUnwrap((camera["setup"] as? [String: Any])?["media"] as? String)
        XCTAssertTrue(media.hasPrefix("media \(vimc.media) (vimc): Sensor A :0 SBGGR8_1X8/640x480 → "), media)
        XCTAssertTrue(media.hasSuffix("(configured by framepipe; restored at exit)"), media)
    }
}
