import Foundation
import TestSupport
import XCTest

/// The `framepipe` executable, run as a user would run it.
final class ListCommandTests: XCTestCase {
    func testNonDeviceGivesOneLineErrorAndUnavailableStatus() throws {
        let result = try runFramepipe(["list", "--device", "/dev/null"])
        XCTAssertEqual(result.status, 69)
        XCTAssertEqual(result.stderr, "framepipe: /dev/null is a character device that is neither V4L2 nor DRM (major 1), expected a V4L2 video device (/dev/videoN)\n")
        XCTAssertEqual(result.stdout, "")
    }

    func testMissingPathGivesNoInputStatus() throws {
        let result = try runFramepipe(["list", "--device", "/dev/video-none"])
        XCTAssertEqual(result.status, 66)
        XCTAssertEqual(result.stderr, "framepipe: /dev/video-none does not exist, expected a V4L2 video device (/dev/videoN); `framepipe list` shows the ones there are\n")
        XCTAssertEqual(result.stdout, "")
    }

    func testMissingCardGivesNoInputStatus() throws {
        let result = try runFramepipe(["list", "--card", "/dev/dri/card99"])
        XCTAssertEqual(result.status, 66)
        XCTAssertEqual(result.stderr, "framepipe: /dev/dri/card99 does not exist, expected a DRM card (/dev/dri/cardN); `framepipe list` shows the ones there are\n")
        XCTAssertEqual(result.stdout, "")
    }

    func testNonCardGivenAsCard() throws {
        let result = try runFramepipe(["list", "--card", "/dev/null"])
        XCTAssertEqual(result.status, 69)
        XCTAssertEqual(result.stderr,
                       "framepipe: /dev/null is a character device that is neither V4L2 nor DRM (major 1), expected a DRM card (/dev/dri/cardN)\n")
        XCTAssertEqual(result.stdout, "")
    }

    func testUnknownFlagIsUsageError() throws {
        let result = try runFramepipe(["list", "--bogus"])
        XCTAssertEqual(result.status, 64)
    }

    func testHelpDocumentsExitCodes() throws {
        let result = try runFramepipe(["--help"])
        XCTAssertEqual(result.status, 0)
        for code in ["64", "65", "66", "69", "74", "77", "130"] {
            XCTAssertTrue(result.stdout.contains("  \(code) "), "exit code \(code) documented in --help")
        }
    }

    /// A build from the tree says it is not a packaged one.
    func testVersionOfATreeBuildSaysItIsUnstamped() throws {
        let result = try runFramepipe(["--version"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "unstamped: built from the source tree (scripts/package stamps the git version)\n")
        XCTAssertEqual(result.stderr, "")
    }

    /// The stamp scripts/package writes (objcopy --update-section, as it
    /// runs it) is what --version prints.
    func testVersionPrintsTheStampObjcopyWrote() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("framepipe-stamp-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let stamp = folder.appendingPathComponent("version.stamp")
        var bytes = Array("v1.2-3-gabcdef0-dirty".utf8)
        bytes += Array(repeating: 0, count: 64 - bytes.count)
        try Data(bytes).write(to: stamp)
        let stamped = folder.appendingPathComponent("framepipe")
        let objcopy = try spawnAndWait("/usr/bin/objcopy",
                                       arguments: ["--update-section", "framepipe_version=\(stamp.path)",
                                                   Lab.framepipeExecutable.path, stamped.path],
                                       environment: [:])
        XCTAssertEqual(objcopy.status, 0, objcopy.stderr)
        let result = try spawnAndWait(stamped.path, arguments: ["--version"], environment: [:])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "v1.2-3-gabcdef0-dirty\n")
    }

    func testBriefAndJSONTogetherAreAUsageError() throws {
        let result = try runFramepipe(["list", "--brief", "--json"])
        XCTAssertEqual(result.status, 64)
        XCTAssertEqual(result.stdout, "")
    }

    func testHelpDocumentsBriefLines() throws {
        let result = try runFramepipe(["list", "--help"])
        XCTAssertEqual(result.status, 0, result.stderr)
        for text in ["--brief", "camera PATH", "connector CARD NAME", "plane CARD ID", "XR24 (XRGB8888)"] {
            XCTAssertTrue(result.stdout.contains(text), "list --help mentions \(text)")
        }
    }

    /// A JSON object with both lists, whatever the machine has: one entry
    /// per V4L2 node and per DRM card in /dev (on this host none: both
    /// lists are empty, and still there).
    func testJSONListsEveryNodeTheMachineHas() throws {
        let result = try runFramepipe(["list", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let nodes = (try? FileManager.default.contentsOfDirectory(atPath: "/dev")) ?? []
        let cards = (try? FileManager.default.contentsOfDirectory(atPath: "/dev/dri")) ?? []
        XCTAssertEqual((object["videoDevices"] as? [Any])?.count, nodes.filter { $0.range(of: #"^video[0-9]+$"#, options: .regularExpression) != nil }.count)
        XCTAssertEqual((object["cards"] as? [Any])?.count, cards.filter { $0.range(of: #"^card[0-9]+$"#, options: .regularExpression) != nil }.count)
    }
}

/// `framepipe list --json` against vivid (as the boot loaded it) and
/// vkms (`enable_overlay=1`) in the lab.
final class ListCommandDeviceTests: XCTestCase {
    private func listJSON(_ extra: [String] = []) throws -> [String: Any] {
        let result = try runFramepipe(["list", "--json"] + extra)
        XCTAssertEqual(result.status, 0, result.stderr)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    func testReportsVividAndVkms() throws {
        try Lab.require()
        let report = try listJSON()
        let devices = try XCTUnwrap(report["videoDevices"] as? [[String: Any]])
        let vividCapture = devices.filter { $0["driver"] as? String == "vivid" && $0["captureBufferType"] != nil }
        XCTAssertEqual(vividCapture.count, Lab.vividMultiplanar.count, "a capture node per vivid instance")
        XCTAssertEqual(vividCapture.filter { $0["isMultiplanar"] as? Bool == true }.count, Lab.vividMultiplanar.filter { $0 }.count)
        let mplane = try XCTUnwrap(vividCapture.first { $0["isMultiplanar"] as? Bool == true }, "an MPLANE node")
        XCTAssertEqual(mplane["captureBufferType"] as? String, "video-capture-mplane")
        for node in vividCapture {
            let formats = try XCTUnwrap(node["formats"] as? [[String: Any]])
            XCTAssertTrue(formats.contains { $0["fourcc"] as? String == "XR24" }, "XR24 on \(node["path"] ?? "")")
            let streaming = try XCTUnwrap(node["streaming"] as? [String: Any])
            XCTAssertEqual(streaming["exportable"] as? Bool, true)
            XCTAssertEqual(streaming["dmabuf"] as? Bool, true)
        }

        let cards = try XCTUnwrap(report["cards"] as? [[String: Any]])
        let vkms = try XCTUnwrap(cards.first { ($0["driver"] as? [String: Any])?["name"] as? String == "vkms" }, "vkms card")
        let planes = try XCTUnwrap(vkms["planes"] as? [[String: Any]])
        let types = planes.compactMap { $0["type"] as? String }
        XCTAssertEqual(types.filter { $0 == "primary" }.count, 1)
        XCTAssertGreaterThanOrEqual(types.filter { $0 == "overlay" }.count, 1)
        let primary = try XCTUnwrap(planes.first { $0["type"] as? String == "primary" })
        let formats = (primary["formats"] as? [[String: Any]] ?? []).compactMap { $0["format"] as? String }
        XCTAssertTrue(formats.contains("XR24"), "primary plane scans out XRGB8888: \(formats)")
        XCTAssertEqual((vkms["crtcs"] as? [Any])?.count, 1)
        let connectors = try XCTUnwrap(vkms["connectors"] as? [[String: Any]])
        XCTAssertTrue(connectors.contains { $0["status"] as? String == "connected" && $0["isWriteback"] as? Bool == false })
        XCTAssertTrue(connectors.contains { $0["isWriteback"] as? Bool == true }, "vkms writeback connector listed")
    }

    func testTextReportNamesDevices() throws {
        try Lab.require()
        let result = try runFramepipe(["list"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("'XR24'"))
        XCTAssertTrue(result.stdout.contains("video-capture-mplane (multiplanar)"))
        XCTAssertTrue(result.stdout.contains("vkms"))
    }

    /// `--brief` has exactly one line per capture node, per connector and per
    /// plane that `--json` reports, and names the formats it lists.
    func testBriefHasOneLinePerCameraConnectorAndPlane() throws {
        try Lab.require()
        let report = try listJSON()
        let result = try runFramepipe(["list", "--brief"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let devices = try XCTUnwrap(report["videoDevices"] as? [[String: Any]])
        let cards = try XCTUnwrap(report["cards"] as? [[String: Any]])
        let capture = devices.filter { $0["captureBufferType"] != nil }
        let connectors = cards.flatMap { $0["connectors"] as? [[String: Any]] ?? [] }
        let planes = cards.flatMap { $0["planes"] as? [[String: Any]] ?? [] }
        // What the lab has: a capture node per vivid instance; vkms's
        // Virtual-1 and its writeback connector; its primary plane, eight
        // overlays (enable_overlay=1) and the cursor.
        XCTAssertEqual(capture.count, Lab.vividMultiplanar.count)
        XCTAssertEqual(connectors.count, 2)
        XCTAssertEqual(planes.count, 10)

        let cameraLines = lines.filter { $0.hasPrefix("camera ") }
        let connectorLines = lines.filter { $0.hasPrefix("connector ") }
        let planeLines = lines.filter { $0.hasPrefix("plane ") }
        XCTAssertEqual(cameraLines.count, capture.count)
        XCTAssertEqual(connectorLines.count, connectors.count)
        XCTAssertEqual(planeLines.count, planes.count)
        XCTAssertEqual(lines.count, cameraLines.count + connectorLines.count + planeLines.count, "no other lines")

        for node in capture {
            let path = try XCTUnwrap(node["path"] as? String)
            let formats = (node["formats"] as? [Any])?.count ?? -1
            XCTAssertTrue(cameraLines.contains { $0.hasPrefix("camera \(path) vivid ") && $0.contains(" \(formats) formats, memory camera,display,heap") }, "\(path): \(cameraLines)")
        }
        for card in cards {
            let path = try XCTUnwrap(card["path"] as? String)
            for plane in card["planes"] as? [[String: Any]] ?? [] {
                let id = try XCTUnwrap(plane["id"] as? Int)
                XCTAssertEqual(planeLines.filter { $0.hasPrefix("plane \(path) \(id) ") }.count, 1, "plane \(id) of \(path)")
            }
        }
        XCTAssertTrue(connectorLines.contains { $0.hasPrefix("connector /dev/dri/card0 Virtual-1 connected ") }, "\(connectorLines)")
        XCTAssertTrue(connectorLines.contains { $0.hasPrefix("connector /dev/dri/card0 Writeback-1 writeback ") }, "\(connectorLines)")
        let primary = try XCTUnwrap(planeLines.first { $0.hasPrefix("plane /dev/dri/card0 ") && $0.contains(" primary ") })
        XCTAssertTrue(primary.contains("XR24 (XRGB8888)"), primary)
    }

    func testFullTextNamesDRMFormats() throws {
        try Lab.require()
        let result = try runFramepipe(["list"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains(", DRM XR24 (XRGB8888)\n"), "vivid's 'XR24' names its DRM format")
        XCTAssertTrue(result.stdout.contains("formats XR24 (XRGB8888), "), "vkms's planes name their formats")
    }

    func testDRMNodeGivenAsCameraIsRejected() throws {
        try Lab.require()
        let result = try runFramepipe(["list", "--device", "/dev/dri/card0"])
        XCTAssertEqual(result.status, 69)
        XCTAssertEqual(result.stderr, "framepipe: /dev/dri/card0 is a DRM device, expected a V4L2 video device (/dev/videoN)\n")
    }

    func testCameraGivenAsCardIsRejected() throws {
        try Lab.require()
        let result = try runFramepipe(["list", "--card", "/dev/video0"])
        XCTAssertEqual(result.status, 69)
        XCTAssertEqual(result.stderr, "framepipe: /dev/video0 is a V4L2 device, expected a DRM card (/dev/dri/cardN)\n")
        XCTAssertEqual(result.stdout, "")
    }
}

final class PreviewCommandTests: XCTestCase {
    func testBadConfigGivesOneLineAndDataErrorStatus() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("fp-bad-\(getpid()).json")
        try Data(#"{"source": {"widht": 640}}"#.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try runFramepipe(["preview", "--config", file.path])
        XCTAssertEqual(result.status, 65)
        XCTAssertEqual(result.stderr, "framepipe: \(file.path): source.widht: unknown key; expected one of device, format, width, height, frameRate, buffers, controls, memory, rect, media, enableMediaLinks\n")
    }

    func testMissingConfigIsNoInput() throws {
        let result = try runFramepipe(["preview", "--config", "/no/such.json"])
        XCTAssertEqual(result.status, 66)
        XCTAssertEqual(result.stderr, "framepipe: /no/such.json: no such file, expected a JSON pipeline file\n")
    }

    func testBadFlagValuesAreUsageErrors() throws {
        XCTAssertEqual(try runFramepipe(["preview", "--frames", "0"]).status, 64)
        XCTAssertEqual(try runFramepipe(["preview", "--mode", "huge"]).status, 64)
        XCTAssertEqual(try runFramepipe(["preview", "--plane", "sideways"]).status, 64)
        XCTAssertEqual(try runFramepipe(["bench"]).status, 64, "--frames is required")
    }

    func testNoCameraOnHostIsNoInput() throws {
        try XCTSkipIf(Lab.isInside, "on the host there is no camera")
        let result = try runFramepipe(["preview", "--frames", "1"])
        XCTAssertEqual(result.status, 66)
        XCTAssertTrue(result.stderr.contains("no V4L2 capture device found"), result.stderr)
    }
}
