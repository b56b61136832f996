import Foundation
import TestSupport
import XCTest

/// `Examples/MinimalPreview`: the library embedded in twenty lines, run
/// with no arguments (the first camera, the first connected display).
final class ExampleDeviceTests: XCTestCase {
    func testMinimalPreviewRunsWithNoArgumentsAndPrintsPercentiles() throws {
        try Lab.require()
        let executable = Lab.framepipeExecutable.deletingLastPathComponent().appendingPathComponent("minimal-preview")
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: executable.path), "built beside framepipe: \(executable.path)")
        let result = try spawnAndWait(executable.path, arguments: [], environment: ProcessInfo.processInfo.environment)
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n")
        XCTAssertTrue(lines.contains { $0.hasPrefix("30 frames shown on Virtual-1 from /dev/video") } ||
                      lines.contains { $0.range(of: #"^\d+ frames shown on Virtual-1 from /dev/video"#, options: .regularExpression) != nil },
                      result.stdout)
        let shownLine = try XCTUnwrap(lines.first { $0.contains(" frames shown on ") })
        XCTAssertGreaterThanOrEqual(Int(shownLine.prefix { $0.isNumber }) ?? 0, 30, "ran to its default frame count")
        XCTAssertTrue(lines.contains { $0.hasPrefix("latency p50 ") && $0.contains(" ms, p99 ") }, result.stdout)
        // One line per frame that counts toward latency, each with a positive-looking number.
        let frameLines = lines.filter { $0.hasPrefix("frame ") && $0.hasSuffix(" ms capture to glass") }
        XCTAssertGreaterThanOrEqual(frameLines.count, 25, result.stdout)
    }
}
