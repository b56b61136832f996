import Foundation
import TestSupport
import V4L2
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
        XCTAssertTrue(result.stdout.contains("earliest feasible vblank (the first ≥ 1 ms after the buffer was done; done: "), result.stdout)
        XCTAssertTrue(result.stdout.contains("first vblank after dequeue: "), result.stdout)
        XCTAssertFalse(result.stdout.contains("timestamps unusable"), result.stdout)

        let run = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("report.json"))) as? [String: Any])
        XCTAssertEqual(run["schemaVersion"] as? Int, 3)
        // One camera: one entry of "cameras", the run's figures around it.
        let cameras = try XCTUnwrap(run["cameras"] as? [[String: Any]])
        XCTAssertEqual(cameras.count, 1)
        let report = cameras[0]
        XCTAssertEqual(report["camera"] as? String, "/dev/video0")
        let frames = try XCTUnwrap(report["frames"] as? [String: Int])
        let shown = try XCTUnwrap(frames["shown"])
        XCTAssertGreaterThanOrEqual(shown, 120)
        // The per-frame accounting agrees with the pipeline's own counters,
        // which are counted where each event happens, not from the records.
        let counters = try XCTUnwrap(report["counters"] as? [String: Int])
        for (frameKey, counterKey) in [("shown", "shown"), ("superseded", "superseded"), ("droppedToCatchUp", "droppedToCatchUp"),
                                       ("cameraErrors", "cameraErrors"),
                                       ("cameraDropped", "cameraDropped"), ("captured", "captured")] {
            XCTAssertEqual(frames[frameKey], counters[counterKey], "report.frames.\(frameKey) vs the pipeline's \(counterKey)")
        }
        XCTAssertEqual(counters["flips"], counters["shown"], "one flip event per shown frame")
        XCTAssertEqual(report["timestampSource"] as? String, "start-of-exposure")
        let total = try XCTUnwrap((report["latencyMilliseconds"] as? [String: Any])?["total"] as? [String: Double])
        XCTAssertEqual(total["count"].map(Int.init), shown - 1 - (frames["flipStampedBeforeCommit"] ?? -1),
                       "all shown frames but the modeset's and those whose flip has no glass time")
        XCTAssertGreaterThan(total["min"] ?? 0, 0, "latencies positive")
        XCTAssertLessThanOrEqual(total["p50"] ?? .infinity, total["p99"] ?? 0)
        XCTAssertLessThanOrEqual(total["p99"] ?? .infinity, total["max"] ?? 0)
        let share = try XCTUnwrap((report["earliestVblank"] as? [String: Any])?["share"] as? Double)
        XCTAssertTrue((0...1).contains(share))
        XCTAssertEqual((report["earliestVblank"] as? [String: Any])?["marginMilliseconds"] as? Double, 1)
        let afterDequeue = try XCTUnwrap((report["firstVblankAfterDequeue"] as? [String: Any])?["share"] as? Double)
        XCTAssertTrue((0...1).contains(afterDequeue))
        XCTAssertNil(report["timestampProblem"], "start-of-exposure stamps before their dequeue")
        XCTAssertEqual(run["poolViolations"] as? [String], [])
        let setup = try XCTUnwrap(report["setup"] as? [String: Any])
        XCTAssertEqual(setup["memory"] as? String, "camera memory")
        XCTAssertTrue((setup["plan"] as? String)?.hasPrefix("plan: camera memory, XRGB8888 640x480 → plane ") == true, "\(setup["plan"] ?? "none")")

        // frames.csv: one line per frame, each sequence once, positive latencies for shown frames.
        let csv = try String(contentsOf: out.appendingPathComponent("frames.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
        XCTAssertEqual(csv.count, frames["total"])
        // Every number the camera gave out between the first frame and the
        // last is there: the total is the camera's count, not ours. A number
        // appears twice only where the driver repeated it (vivid does when
        // its thread runs early), which the pipeline counted as it happened.
        XCTAssertTrue(csv.allSatisfy { $0.hasPrefix("/dev/video0,") }, "the first column names the camera")
        let sequences = csv.compactMap { UInt32($0.split(separator: ",", omittingEmptySubsequences: false)[1]) }
        XCTAssertEqual(sequences.count, csv.count)
        XCTAssertEqual(sequences, sequences.sorted(), "by sequence")
        XCTAssertEqual(Set(sequences), Set((sequences.first ?? 0)...(sequences.last ?? 0)), "no number missing")
        XCTAssertEqual(sequences.count - Set(sequences).count, counters["cameraRepeatedSequences"], "repeats as counted")
        // And each outcome is counted in the report as often as it appears.
        for outcome in ["shown", "superseded", "droppedToCatchUp", "cameraError", "droppedByCamera", "inFlight"] {
            let key = ["cameraError": "cameraErrors", "droppedByCamera": "cameraDropped", "inFlight": "inFlightAtEnd"][outcome] ?? outcome
            XCTAssertEqual(csv.filter { $0.contains(",\(outcome),") }.count, frames[key], outcome)
        }
        // The first shown frame is the modeset's (left out of the statistics).
        // A flip stamped before its commit (vkms handling a vblank late,
        // under emulation) is counted as such; every other is positive.
        var stampedBeforeCommit = 0
        for line in csv.filter({ $0.contains(",shown,") }).dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            // commit_ns, flip_ns and total_ms, after the camera column.
            if let commit = Int64(fields[7]), let flip = Int64(fields[8]), flip < commit {
                stampedBeforeCommit += 1
                continue
            }
            XCTAssertGreaterThan(Double(fields[11]) ?? -1, 0, String(line))
        }
        XCTAssertEqual(stampedBeforeCommit, frames["flipStampedBeforeCommit"], "counted in the report")
        let svg = try String(contentsOf: out.appendingPathComponent("latency.svg"), encoding: .utf8)
        XCTAssertTrue(svg.hasPrefix("<svg"))

        // What the event loop cost and how long start-up took: counted in
        // the lab (root, tracefs), never made up.
        let eventLoop = try XCTUnwrap(run["eventLoop"] as? [String: Any])
        XCTAssertGreaterThan(eventLoop["systemCallsPerShownFrame"] as? Double ?? 0, 3, "at least DQBUF, commit, QBUF per frame: \(eventLoop)")
        XCTAssertNil(eventLoop["systemCallsNotMeasured"] as? String)
        XCTAssertGreaterThan(eventLoop["contextSwitchesPerShownFrame"] as? Double ?? 0, 0)
        let startup = try XCTUnwrap(run["startup"] as? [String: Any])
        let setupTime = try XCTUnwrap(startup["setupMilliseconds"] as? Double)
        XCTAssertGreaterThan(setupTime, 0)
        XCTAssertGreaterThan(startup["firstFrameMilliseconds"] as? Double ?? 0, setupTime, "the first frame comes after setup")
        XCTAssertGreaterThan(startup["loadMilliseconds"] as? Double ?? 0, 0, "exec to main, from /proc/self/stat")
        // The steps are timed back to back, from just after the command
        // began until setup ended: together no more than setup.
        let steps = try XCTUnwrap(startup["setupSteps"] as? [[String: Any]])
        XCTAssertEqual(steps.compactMap { $0["name"] as? String }, ["open camera", "open display", "plan", "display", "buffers"])
        let stepTotal = steps.compactMap { $0["milliseconds"] as? Double }.reduce(0, +)
        XCTAssertGreaterThan(stepTotal, 0)
        XCTAssertLessThanOrEqual(stepTotal, setupTime)
        // The first frame in order: captured, dequeued, committed, shown.
        let first = try XCTUnwrap(startup["firstFrame"] as? [String: Double])
        let order = ["capturedMilliseconds", "dequeuedMilliseconds", "committedMilliseconds", "onScreenMilliseconds"].compactMap { first[$0] }
        XCTAssertEqual(order.count, 4, "\(first)")
        XCTAssertEqual(order, order.sorted(), "\(first)")
    }

    /// `--phase-sweep`: one run per phase, each with its frames.
    func testPhaseSweepRunsEachPhase() throws {
        try Lab.require()
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let out = URL(fileURLWithPath: ProcessInfo.processInfo.environment["LAB_RESULTS"] ?? NSTemporaryDirectory())
            .appendingPathComponent("sweep-\(getpid())")
        let result = try runFramepipe(["bench", "--config", root.appendingPathComponent("configs/vivid-vkms.json").path,
                                       "--frames", "20", "--phase-sweep", "3", "--out", out.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix("phase sweep: 3 runs of 20 frames"), result.stdout)
        let sweep = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("phase-sweep.json"))) as? [String: Any])
        let runs = try XCTUnwrap(sweep["runs"] as? [[String: Any]])
        XCTAssertEqual(runs.map { $0["startPhase"] as? Double }, [0, 1.0 / 3, 2.0 / 3])
        for run in runs { XCTAssertGreaterThanOrEqual(run["shown"] as? Int ?? 0, 20) }
        XCTAssertTrue(try String(contentsOf: out.appendingPathComponent("phase-sweep.svg"), encoding: .utf8).hasPrefix("<svg"))
    }

    /// `bench` with no file on vivid, whose default stamps are end-of-frame
    /// ones 0.9 frame ahead: one line names the camera and says why, and
    /// no latency from those stamps is printed or written (it printed
    /// `total p50 0.00`: negative spans counted as 1 µs).
    func testNoFileOnVividNamesTheUnusableTimestampsAndPrintsNoLatencyFromThem() throws {
        try Lab.require()
        // vivid's default, whatever an earlier test of this boot left.
        let found = try VividTimestampSource.set(0, of: "/dev/video0")
        defer { _ = try? VividTimestampSource.set(found, of: "/dev/video0") }

        let out = URL(fileURLWithPath: ProcessInfo.processInfo.environment["LAB_RESULTS"] ?? NSTemporaryDirectory())
            .appendingPathComponent("bench-eof-\(getpid())")
        let result = try runFramepipe(["bench", "--frames", "100", "--out", out.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let named = lines.filter { $0.hasPrefix("/dev/video0: buffer timestamps unusable (end-of-frame): ") }
        XCTAssertEqual(named.count, 1, result.stdout)
        XCTAssertTrue(named.first?.contains(" later than their dequeue, by ") == true, result.stdout)
        XCTAssertEqual(lines.filter { $0.contains("timestamps unusable") }.count, 1, "one line: \(result.stdout)")
        XCTAssertFalse(lines.contains { $0.hasPrefix("  total ") || $0.hasPrefix("  capture side ") }, result.stdout)
        XCTAssertTrue(lines.contains { $0.hasPrefix("  pipeline side ") }, "the pipeline's own spans stay: \(result.stdout)")
        XCTAssertFalse(result.stdout.contains("p50    0.00"), result.stdout)
        XCTAssertFalse(result.stdout.contains("first frame captured"), "no capture time from the future: \(result.stdout)")

        let run = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("report.json"))) as? [String: Any])
        let report = try XCTUnwrap((run["cameras"] as? [[String: Any]])?.first)
        XCTAssertEqual(report["timestampSource"] as? String, "end-of-frame")
        XCTAssertNotNil(report["timestampProblem"] as? String)
        let latency = try XCTUnwrap(report["latencyMilliseconds"] as? [String: Any])
        XCTAssertNil(latency["total"])
        XCTAssertNil(latency["captureSide"])
        XCTAssertGreaterThan((latency["pipelineSide"] as? [String: Any])?["count"] as? Int ?? 0, 0)
        XCTAssertEqual((report["earliestVblank"] as? [String: Any])?["bufferDone"] as? String, "the dequeue")
        XCTAssertNil(((run["startup"] as? [String: Any])?["firstFrame"] as? [String: Any])?["capturedMilliseconds"])
        // frames.csv keeps the raw stamps and leaves the spans from them empty.
        let csv = try String(contentsOf: out.appendingPathComponent("frames.csv"), encoding: .utf8).split(separator: "\n")
        let header = try XCTUnwrap(csv.first).split(separator: ",")
        let total = try XCTUnwrap(header.firstIndex(of: "total_ms")), capture = try XCTUnwrap(header.firstIndex(of: "capture_ns"))
        let shown = csv.dropFirst().filter { $0.contains(",shown,") }.map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        XCTAssertGreaterThanOrEqual(shown.count, 100)
        for fields in shown {
            XCTAssertEqual(fields[total], "", "\(fields)")
            XCTAssertNotEqual(fields[capture], "", "\(fields)")
        }
    }
}
