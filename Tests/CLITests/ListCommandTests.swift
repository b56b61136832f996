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
        XCTAssertTrue(result.stderr.hasPrefix("framepipe: /dev/video-none: stat failed: No such file or directory (ENOENT)"), result.stderr)
        XCTAssertEqual(result.stderr.filter { $0 == "\n" }.count, 1, "one line: \(result.stderr)")
    }

    func testMissingCardGivesNoInputStatus() throws {
        let result = try runFramepipe(["list", "--card", "/dev/dri/card99"])
        XCTAssertEqual(result.status, 66)
        XCTAssertTrue(result.stderr.contains("/dev/dri/card99"), result.stderr)
        XCTAssertEqual(result.stderr.filter { $0 == "\n" }.count, 1, "one line: \(result.stderr)")
    }

    func testNonCardGivenAsCard() throws {
        let result = try runFramepipe(["list", "--card", "/dev/null"])
        XCTAssertEqual(result.status, 69)
        XCTAssertTrue(result.stderr.contains("/dev/null"), result.stderr)
        XCTAssertEqual(result.stderr.filter { $0 == "\n" }.count, 1, "one line: \(result.stderr)")
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

    func testJSONOnMachineWithoutDevicesIsStillValid() throws {
        // On the host there are no cameras or displays; inside the lab there
        // are. Either way the output must be a JSON object with both lists.
        let result = try runFramepipe(["list", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        XCTAssertNotNil(object["videoDevices"] as? [Any])
        XCTAssertNotNil(object["cards"] as? [Any])
    }
}

/// `framepipe list --json` against vivid (`n_devs=2 multiplanar=1,2`) and
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
        XCTAssertEqual(vividCapture.count, 2)
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
        XCTAssertTrue(result.stderr.contains("/dev/video0"), result.stderr)
        XCTAssertEqual(result.stderr.filter { $0 == "\n" }.count, 1)
    }
}

final class PreviewCommandTests: XCTestCase {
    func testBadConfigGivesOneLineAndDataErrorStatus() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("fp-bad-\(getpid()).json")
        try Data(#"{"source": {"widht": 640}}"#.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try runFramepipe(["preview", "--config", file.path])
        XCTAssertEqual(result.status, 65)
        XCTAssertEqual(result.stderr, "framepipe: \(file.path): source.widht: unknown key; expected one of device, format, width, height, frameRate, buffers, controls, memory\n")
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
