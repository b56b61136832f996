import Foundation
import TestSupport
import XCTest

/// `Examples/MinimalPreview`: the library embedded in thirty lines, run
/// with no arguments (the first camera, the first connected display).
final class ExampleDeviceTests: XCTestCase {
    func testMinimalPreviewRunsWithNoArgumentsAndPrintsPercentiles() throws {
        try Lab.require()
        let executable = Lab.framepipeExecutable.deletingLastPathComponent().appendingPathComponent("minimal-preview")
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: executable.path), "built beside framepipe: \(executable.path)")
        // A camera whose stamps are capture times (start of exposure).
        let found = try VividTimestampSource.set(1, of: "/dev/video0")
        defer { _ = try? VividTimestampSource.set(found, of: "/dev/video0") }
        let result = try spawnAndWait(executable.path, arguments: [], environment: ProcessInfo.processInfo.environment)
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n")
        // Its default frame count, exactly: the pipeline commits nothing
        // once that many are shown. "auto" is the first capture node.
        XCTAssertEqual(lines.filter { $0.contains(" frames shown on ") }, ["30 frames shown on Virtual-1 from /dev/video0"], result.stdout)
        XCTAssertTrue(lines.contains { $0.hasPrefix("latency p50 ") && $0.contains(" ms, p99 ") }, result.stdout)
        // One line per shown frame but the first, which rode on the
        // modeset: its latency, or that its flip has no glass time (vkms
        // handling a vblank late under emulation stamps it before the commit).
        let frameLines = lines.filter { $0.hasPrefix("frame ") && $0.hasSuffix(" ms capture to glass") }
        let stampedEarly = lines.filter { $0.hasPrefix("frame ") && $0.hasSuffix(": flip stamped before its commit") }
        XCTAssertEqual(frameLines.count + stampedEarly.count, 29, result.stdout)
        XCTAssertEqual(lines.count, 29 + 2, "nothing else is printed: \(result.stdout)")
    }

    /// `Examples/SeveralCameras`: every camera it finds (the default boot's
    /// four vivid instances) on one screen, a line each, one commit per
    /// vblank at most. The first camera stamps at start of exposure and
    /// gets percentiles; the others keep vivid's end-of-frame stamps, later
    /// than their dequeue, and the example says so instead of figures.
    func testSeveralCamerasRunsWithNoArgumentsAndShowsEveryCamera() throws {
        try Lab.require()
        let executable = Lab.framepipeExecutable.deletingLastPathComponent().appendingPathComponent("several-cameras")
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: executable.path), "built beside framepipe: \(executable.path)")
        let cameras = Lab.vividMultiplanar.indices.map { "/dev/video\($0 * 4)" }
        var found: [Int64] = []
        for (index, camera) in cameras.enumerated() { found.append(try VividTimestampSource.set(index == 0 ? 1 : 0, of: camera)) }
        defer { for (camera, value) in zip(cameras, found) { _ = try? VividTimestampSource.set(value, of: camera) } }
        let result = try spawnAndWait(executable.path, arguments: ["20"], environment: ProcessInfo.processInfo.environment)
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, cameras.count + 1, result.stdout)
        for (index, (line, camera)) in zip(lines, cameras).enumerated() {
            XCTAssertTrue(line.hasPrefix("\(camera): 20 frames shown on plane "), line)
            if index == 0 {
                XCTAssertTrue(line.contains(", latency p50 ") && line.contains(" ms, p99 "), line)
            } else {
                XCTAssertTrue(line.contains(", timestamps unusable: ") && line.hasSuffix(" later than their dequeue"), line)
            }
        }
        XCTAssertTrue(lines.last?.hasSuffix(" commits for \(cameras.count) cameras, at most 1 per vblank") == true, result.stdout)
    }
}
