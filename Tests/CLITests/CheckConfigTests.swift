import Configuration
import Foundation
import Platform
import TestSupport
import XCTest

@testable import framepipe

/// `preview --check-config FILE` on this machine (no camera, no display):
/// the file is decoded exactly as a run decodes it, and each device node it
/// names is judged without opening it. The lab's ServiceDeviceTests check
/// the nodes that exist.
final class CheckConfigTests: XCTestCase {
    private var configs: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("configs")
    }

    private func temporaryFolder() throws -> URL {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("check-config-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return folder
    }

    func testABadFileIsRefusedAsARunRefusesIt() throws {
        let folder = try temporaryFolder()
        let cases = [
            ("unknown-key.json", #"{"source": {"device": "/dev/video0", "fps": 30}}"#),
            ("not-json.json", "{\"source\": "),
            ("bad-value.json", #"{"source": {"buffers": 1}}"#),
        ]
        for (name, text) in cases {
            let file = folder.appendingPathComponent(name).path
            try Data(text.utf8).write(to: URL(fileURLWithPath: file))
            let checked = try runFramepipe(["preview", "--check-config", file])
            let run = try runFramepipe(["preview", "--config", file])
            XCTAssertEqual(checked.status, 65, checked.stderr)
            XCTAssertEqual(checked.stderr, run.stderr, "the same line as the run's")
            XCTAssertTrue(checked.stderr.hasPrefix("framepipe: \(file): "), checked.stderr)
            XCTAssertEqual(checked.stderr.filter { $0 == "\n" }.count, 1, checked.stderr)
            XCTAssertEqual(checked.stdout, "")
        }
        let missing = try runFramepipe(["preview", "--check-config", folder.appendingPathComponent("absent.json").path])
        XCTAssertEqual(missing.status, 66, missing.stderr)
        XCTAssertEqual(missing.stderr, "framepipe: \(folder.appendingPathComponent("absent.json").path): no such file, expected a JSON pipeline file\n")
    }

    func testEachNamedNodeIsJudgedWithoutOpeningIt() throws {
        let file = configs.appendingPathComponent("vivid-vkms.json").path
        let cases: [([String], Int32, String)] = [
            (["--device", "/dev/video-absent"], 66, "camera /dev/video-absent does not exist"),
            (["--device", "/dev/null"], 69, "camera /dev/null is a character device that is neither V4L2 nor DRM (major 1), expected a V4L2 device"),
            (["--device", "/tmp"], 69, "camera /tmp is a directory, expected a V4L2 device"),
        ]
        for (flags, status, line) in cases {
            let result = try runFramepipe(["preview", "--check-config", file] + flags)
            XCTAssertEqual(result.status, status, "\(flags): \(result.stderr)")
            XCTAssertEqual(result.stderr, "framepipe: \(line)\n", "\(flags)")
            XCTAssertEqual(result.stdout, "")
        }
    }

    func testCheckConfigNamesTheFileSoConfigBesideItIsAUsageError() throws {
        let file = configs.appendingPathComponent("vivid-vkms.json").path
        let result = try runFramepipe(["preview", "--check-config", file, "--config", file])
        XCTAssertEqual(result.status, 64, result.stderr)
        XCTAssertTrue(result.stderr.hasPrefix("Error: --check-config names the file to check; give it without --config\n"), result.stderr)
    }

    func testAutoNeedsOneUsableNodeOfItsKind() throws {
        let devices = try temporaryFolder()
        let check = ConfigCheck(pipeline: PipelineConfiguration(), deviceFolder: devices.path)
        XCTAssertThrowsError(try check.verdict(file: "f.json")) { error in
            let problem = error as? CheckProblem
            XCTAssertEqual(problem?.description, "camera \"auto\": no \(devices.path)/videoN node exists")
            XCTAssertEqual(problem?.category, .notFound)
        }
        // Regular files where the nodes would be: the lowest number is named.
        for name in ["video10", "video2", "videoX", "media0"] {
            XCTAssertTrue(FileManager.default.createFile(atPath: devices.appendingPathComponent(name).path, contents: Data()))
        }
        XCTAssertThrowsError(try check.verdict(file: "f.json")) { error in
            let problem = error as? CheckProblem
            XCTAssertEqual(problem?.description,
                           "camera \"auto\": none of 2 \(devices.path)/videoN nodes can be used; the first: camera \(devices.path)/video2 is a regular file, expected a V4L2 device")
            XCTAssertEqual(problem?.category, .unavailable)
        }
    }
}
