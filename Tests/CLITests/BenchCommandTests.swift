import Foundation
import TestSupport
import XCTest

final class BenchCommandDeviceTests: XCTestCase {
    /// ≥ 100 frames in the lab: the report is complete and self-consistent.
    func testReportIsCompleteAndSelfConsistent() throws {
        try Lab.require()
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let out = URL(fileURLWithPath: ProcessInfo.processInfo.environment["LAB_RESULTS"] ?? NSTemporaryDirectory())
            .appendingPathComponent("bench-\(getpid())")
        let result = try runFramepipe(["bench", "--config", root.appendingPathComponent("configs/vivid-vkms.json").path,
                                       "--frames", "120", "--out", out.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("earliest possible vblank:"), result.stdout)

        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("report.json"))) as? [String: Any])
        let frames = try XCTUnwrap(report["frames"] as? [String: Int])
        let shown = try XCTUnwrap(frames["shown"])
        XCTAssertGreaterThanOrEqual(shown, 120)
        XCTAssertEqual(shown + (frames["superseded"] ?? -1) + (frames["cameraErrors"] ?? -1) + (frames["cameraDropped"] ?? -1)
                       + (frames["inFlightAtEnd"] ?? -1), frames["total"], "every frame accounted for exactly once")
        XCTAssertEqual((frames["captured"] ?? 0) + (frames["cameraDropped"] ?? 0), frames["total"])
        XCTAssertEqual(report["timestampSource"] as? String, "start-of-exposure")
        let total = try XCTUnwrap((report["latencyMilliseconds"] as? [String: Any])?["total"] as? [String: Double])
        XCTAssertEqual(total["count"].map(Int.init), shown - 1, "all shown frames but the modeset's")
        XCTAssertGreaterThan(total["min"] ?? 0, 0, "latencies positive")
        XCTAssertLessThanOrEqual(total["p50"] ?? .infinity, total["p99"] ?? 0)
        XCTAssertLessThanOrEqual(total["p99"] ?? .infinity, total["max"] ?? 0)
        let share = try XCTUnwrap((report["earliestVblank"] as? [String: Any])?["share"] as? Double)
        XCTAssertTrue((0...1).contains(share))
        XCTAssertEqual(report["poolViolations"] as? [String], [])

        // frames.csv: one line per frame, each sequence once, positive latencies for shown frames.
        let csv = try String(contentsOf: out.appendingPathComponent("frames.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
        XCTAssertEqual(csv.count, frames["total"])
        let sequences = csv.map { $0.split(separator: ",", omittingEmptySubsequences: false)[0] }
        XCTAssertEqual(Set(sequences).count, sequences.count)
        // The first shown frame is the modeset's (left out of the statistics).
        for line in csv.filter({ $0.contains(",shown,") }).dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            XCTAssertGreaterThan(Double(fields[10]) ?? -1, 0, String(line))
        }
        let svg = try String(contentsOf: out.appendingPathComponent("latency.svg"), encoding: .utf8)
        XCTAssertTrue(svg.hasPrefix("<svg"))
    }
}
