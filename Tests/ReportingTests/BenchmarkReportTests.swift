import Foundation
import Pipeline
import Reporting
import XCTest

final class BenchmarkReportTests: XCTestCase {
    private let ms: Int64 = 1_000_000

    /// A run as the scheduler reports it: seq 0 on the modeset, seq 1
    /// superseded, seq 2 shown one vblank late, 3 and 4 dropped by the
    /// camera, 5 flagged bad, 6 in flight at the end.
    private var records: [FrameRecord] {
        [
            FrameRecord(sequence: 0, bufferIndex: 0, captureNanoseconds: 2 * ms, timestampSource: "start-of-exposure",
                        dequeueNanoseconds: 10 * ms, commitNanoseconds: 10 * ms, flipNanoseconds: 16 * ms, vblankSequence: 1,
                        outcome: .shown, vblanksMissed: 0, isModesetFrame: true),
            FrameRecord(sequence: 1, bufferIndex: 1, captureNanoseconds: 15 * ms, timestampSource: "start-of-exposure",
                        dequeueNanoseconds: 20 * ms, outcome: .superseded),
            FrameRecord(sequence: 2, bufferIndex: 2, captureNanoseconds: 18 * ms, timestampSource: "start-of-exposure",
                        dequeueNanoseconds: 21 * ms, commitNanoseconds: 23 * ms, flipNanoseconds: 48 * ms, vblankSequence: 3,
                        outcome: .shown, vblanksMissed: 1),
            FrameRecord(sequence: 3, outcome: .droppedByCamera),
            FrameRecord(sequence: 4, outcome: .droppedByCamera),
            FrameRecord(sequence: 5, bufferIndex: 1, captureNanoseconds: 55 * ms, timestampSource: "start-of-exposure",
                        dequeueNanoseconds: 60 * ms, outcome: .cameraError),
            FrameRecord(sequence: 6, bufferIndex: 3, captureNanoseconds: 58 * ms, timestampSource: "start-of-exposure",
                        dequeueNanoseconds: 60 * ms, outcome: .inFlight),
        ]
    }

    private let eventLoop = EventLoopCost(
        systemCallsPerShownFrame: 12.5, systemCallsNotMeasured: nil, threadsNotCounted: 0,
        contextSwitchesPerShownFrame: 3, voluntaryContextSwitches: 5, involuntaryContextSwitches: 1)
    private let startup = StartupTimes(
        loadMilliseconds: 90, setupMilliseconds: 120,
        setupSteps: [SetupStep(name: "open camera", milliseconds: 20), SetupStep(name: "buffers", milliseconds: 99.6)],
        firstFrame: .init(capturedMilliseconds: 150, dequeuedMilliseconds: 151, committedMilliseconds: 152.4, onScreenMilliseconds: 180))

    private func summary(_ counters: PipelineStatistics = PipelineStatistics(), cameras: Int = 1) -> PipelineSummary {
        let sources = (0..<cameras).map { index in
            SourceSummary(
                camera: "c\(index)", format: "f", width: 1, height: 1, bufferCount: 4, plane: nil, statistics: counters,
                shownPerSecond: Double(counters.shown), poolViolations: [])
        }
        return PipelineSummary(
            sources: sources, card: "d", connector: "x", mode: "m", atomic: true, commits: CommitStatistics(), seconds: 1,
            stopReason: .frameCount)
    }

    private func measurements(cpu: (Double, Double, Int), allocations: AllocationCount) -> BenchmarkReport.Measurements {
        BenchmarkReport.Measurements(cpu: cpu, allocations: allocations, eventLoop: eventLoop, startup: startup)
    }

    /// End-of-frame stamps later than their dequeue make the camera's
    /// stamps unusable; the first frame's own stamp may still look
    /// plausible (it waited before its dequeue: CI saw "captured 567 ms"
    /// once). No capture time is given for it then; with usable stamps,
    /// or the first frame from another camera, it stays.
    func testAFirstFrameOfACameraWithUnusableStampsHasNoCaptureTime() throws {
        var future = records.map { record -> FrameRecord in
            var record = record
            if record.sequence > 0, let dequeue = record.dequeueNanoseconds { record.captureNanoseconds = dequeue + 5 * ms }
            return record
        }
        future[0].timestampSource = "end-of-frame"
        let make = { (records: [[FrameRecord]], first: Int?) in
            BenchmarkReport.make(records: records, summary: self.summary(cameras: records.count), refreshHz: 62.5,
                                 measurements: self.measurements(cpu: (0, 0, 0), allocations: .init(measured: false, perFrameSteadyState: 0, framesMeasured: 0, allocationsMeasured: 0)),
                                 firstShownSource: first)
        }
        let unusable = make([future], 0)
        XCTAssertNotNil(unusable.cameras[0].timestampProblem)
        XCTAssertNil(unusable.startup.firstFrame?.capturedMilliseconds)
        XCTAssertEqual(unusable.startup.firstFrame?.dequeuedMilliseconds, 151, "the rest of the first frame stays")
        XCTAssertFalse(unusable.text.contains("captured 150"), unusable.text)
        XCTAssertEqual(make([records], 0).startup.firstFrame?.capturedMilliseconds, 150)
        XCTAssertEqual(make([records, future], 0).startup.firstFrame?.capturedMilliseconds, 150, "the first frame was the other camera's")
        XCTAssertNil(make([records, future], 1).startup.firstFrame?.capturedMilliseconds)
    }

    func testReportCountsEveryFrameAndLeavesTheModesetFrameOutOfLatency() throws {
        var counters = PipelineStatistics()
        counters.shown = 2
        counters.superseded = 1
        // Counters the frame records cannot give: they must come from the pipeline.
        counters.cameraQueueRetries = 3
        counters.commits = 4
        let report = BenchmarkReport.make(
            records: [records], summary: summary(counters), refreshHz: 62.5,
            measurements: measurements(cpu: (0.5, 0.25, 2), allocations: .init(measured: true, perFrameSteadyState: 0, framesMeasured: 2, allocationsMeasured: 0)))
        XCTAssertEqual(report.schemaVersion, 3)
        XCTAssertEqual(report.cameras.count, 1)
        let camera = report.cameras[0]
        XCTAssertEqual(camera.frames.total, 7)
        XCTAssertEqual(camera.frames.captured, 5)
        XCTAssertEqual(camera.frames.shown, 2)
        XCTAssertEqual(camera.frames.superseded, 1)
        XCTAssertEqual(camera.frames.cameraDropped, 2)
        XCTAssertEqual(camera.frames.cameraErrors, 1)
        XCTAssertEqual(camera.frames.inFlightAtEnd, 1)
        XCTAssertEqual(camera.counters, counters, "the pipeline's own counters travel with the report")
        // The first shown frame (the modeset's) stays out of the statistics.
        // seq 2, done at 20 ms (its stamp + the fastest delivery, 2 ms): the
        // first vblank ≥ 21 ms is at 32, it was shown at 48.
        XCTAssertEqual(camera.earliestVblank.share, 0)
        XCTAssertEqual(camera.earliestVblank.missed, ["1": 1])
        XCTAssertEqual(camera.firstVblankAfterDequeue.missed, ["1": 1], "as the scheduler counted")
        XCTAssertNil(camera.timestampProblem)
        XCTAssertEqual(camera.latencyMilliseconds.total?.count, 1)
        XCTAssertEqual(camera.latencyMilliseconds.total?.maxMilliseconds ?? 0, 30, accuracy: 0.05)
        XCTAssertEqual(camera.latencyMilliseconds.captureSide?.maxMilliseconds ?? 0, 3, accuracy: 0.05)
        XCTAssertEqual(camera.latencyMilliseconds.pipelineSide.maxMilliseconds, 27, accuracy: 0.05)
        XCTAssertEqual(camera.latencyMilliseconds.dequeueToCommit.maxMilliseconds, 2, accuracy: 0.05)
        // report.json carries the pipeline's own counters, the event loop's
        // and the start-up's figures, each under its key.
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any])
        let cameras = try XCTUnwrap(json["cameras"] as? [[String: Any]], "\(json.keys)")
        let written = try XCTUnwrap(cameras.first?["counters"] as? [String: Any], "\(cameras)")
        XCTAssertEqual(written["shown"] as? Int, 2)
        XCTAssertEqual(written["superseded"] as? Int, 1)
        XCTAssertEqual(written["cameraQueueRetries"] as? Int, 3)
        XCTAssertEqual(written["commits"] as? Int, 4)
        let loop = try XCTUnwrap(json["eventLoop"] as? [String: Any], "\(json.keys)")
        XCTAssertEqual(loop["systemCallsPerShownFrame"] as? Double, 12.5)
        XCTAssertEqual(loop["voluntaryContextSwitches"] as? Int, 5)
        let start = try XCTUnwrap(json["startup"] as? [String: Any], "\(json.keys)")
        XCTAssertEqual(start["setupMilliseconds"] as? Double, 120)
        XCTAssertEqual((start["setupSteps"] as? [[String: Any]])?.map { $0["name"] as? String }, ["open camera", "buffers"])
        XCTAssertTrue(report.text.contains("system calls: 12.5 per shown frame; context switches: 3.0 per shown frame"), report.text)
        XCTAssertTrue(report.text.contains(
            "start-up: loaded in 90 ms before main; set up after 120 ms (open camera 20, buffers 100); "
                + "first frame captured 150, dequeued 151, committed 152, on screen 180 ms"), report.text)
        XCTAssertEqual(report.cpu.perShownFrameMilliseconds, 375, accuracy: 0.001, "CPU over the frames shown while timed")
        XCTAssertEqual(camera.timestampSource, "start-of-exposure")
    }

    /// A flip event stamped before its commit (vkms handling a vblank late
    /// in the lab stamps its nominal time) has no glass time: the frame is
    /// shown and counted, but none of its spans enters latency, and the
    /// summary names how many there were.
    func testAFlipStampedBeforeItsCommitIsCountedAndLeftOutOfLatency() throws {
        var frames = records
        frames.append(FrameRecord(
            sequence: 7, bufferIndex: 0, captureNanoseconds: 70 * ms, timestampSource: "start-of-exposure",
            dequeueNanoseconds: 73 * ms, commitNanoseconds: 74 * ms, flipNanoseconds: 69 * ms, vblankSequence: 5,
            outcome: .shown, vblanksMissed: 0))
        XCTAssertTrue(frames[7].flipStampedBeforeCommit)
        XCTAssertFalse(frames[7].countsTowardLatency)
        XCTAssertFalse(frames[2].flipStampedBeforeCommit)
        XCTAssertTrue(frames[2].countsTowardLatency)
        var counters = PipelineStatistics()
        counters.shown = 3
        let report = BenchmarkReport.make(
            records: [frames], summary: summary(counters), refreshHz: 62.5,
            measurements: measurements(cpu: (0.5, 0.25, 2), allocations: .init(measured: false, perFrameSteadyState: nil, framesMeasured: 0, allocationsMeasured: 0)))
        let camera = report.cameras[0]
        XCTAssertEqual(camera.frames.shown, 3)
        XCTAssertEqual(camera.frames.flipStampedBeforeCommit, 1)
        XCTAssertEqual(camera.latencyMilliseconds.total?.count, 1, "seq 2 alone")
        XCTAssertEqual(camera.latencyMilliseconds.pipelineSide.count, 1)
        XCTAssertEqual(camera.latencyMilliseconds.dequeueToCommit.count, 1)
        XCTAssertTrue(report.text.contains("c0: 1 flip(s) stamped before their commit (the display handled that vblank late); left out of latency"), report.text)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any])
        let written = try XCTUnwrap((json["cameras"] as? [[String: Any]])?.first?["frames"] as? [String: Any])
        XCTAssertEqual(written["flipStampedBeforeCommit"] as? Int, 1)
    }

    /// The public API gives durations as `Duration`s; report.json and
    /// `preview --json` keep writing them as they always did, milliseconds
    /// and seconds as numbers under the same keys (bench-compare and other
    /// programs read them).
    func testDurationsKeepTheirJSONKeysAndUnits() throws {
        var counters = PipelineStatistics()
        counters.secondsWithoutCamera = 1.25
        var copy = CopyStatistics()
        copy.converted = 2
        copy.cpuNanoseconds = 3_000_000
        var source = summary(counters).sources[0]
        source.latency = LatencySummary(nanoseconds: [12_345_678, 20_000_000])
        source.copyPath = CopyPathSummary(path: "YUYV 1x1 → XRGB8888 (libyuv)", statistics: copy)
        var run = summary(counters)
        run.sources = [source]
        run.seconds = 2.5
        XCTAssertEqual(run.duration, .milliseconds(2500))
        XCTAssertEqual(source.latency.p50, .nanoseconds(12_345_678))
        XCTAssertEqual(counters.timeWithoutCamera, .milliseconds(1250))
        XCTAssertEqual(copy.cpuTime, .milliseconds(3))
        XCTAssertEqual(copy.cpuTimePerFrame, .microseconds(1500))
        // preview --json: the summary as it is.
        let preview = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONEncoder().encode(run)) as? [String: Any])
        XCTAssertEqual(preview["seconds"] as? Double, 2.5)
        let camera = try XCTUnwrap((preview["sources"] as? [[String: Any]])?.first)
        let latency = try XCTUnwrap(camera["latency"] as? [String: Any])
        XCTAssertEqual(Set(latency.keys), ["count", "min", "mean", "p50", "p90", "p99", "p99_9", "max"])
        XCTAssertEqual(latency["p50"] as? Double, 12.345678)
        XCTAssertEqual(latency["max"] as? Double, 20)
        XCTAssertEqual((camera["statistics"] as? [String: Any])?["secondsWithoutCamera"] as? Double, 1.25)
        let copied = (camera["copyPath"] as? [String: Any])?["statistics"] as? [String: Any]
        XCTAssertEqual(copied?["cpuNanoseconds"] as? Int, 3_000_000)
        // report.json: the run's seconds, each camera's latency in
        // milliseconds, the setup steps' milliseconds.
        let report = BenchmarkReport.make(
            records: [records], summary: run, refreshHz: 62.5,
            measurements: measurements(cpu: (0.5, 0.25, 2), allocations: .init(measured: false, perFrameSteadyState: nil, framesMeasured: 0, allocationsMeasured: 0)))
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any])
        XCTAssertEqual(json["seconds"] as? Double, 2.5)
        let total = try XCTUnwrap(((json["cameras"] as? [[String: Any]])?.first?["latencyMilliseconds"] as? [String: Any])?["total"] as? [String: Any])
        XCTAssertEqual(total["p50"] as? Double, 30, "seq 2: flip 48 ms − capture 18 ms")
        let steps = try XCTUnwrap((json["startup"] as? [String: Any])?["setupSteps"] as? [[String: Any]])
        XCTAssertEqual(steps.map { $0["milliseconds"] as? Double }, [20, 99.6])
        XCTAssertEqual(startup.setupSteps.map(\.duration), [.milliseconds(20), .microseconds(99_600)])
    }

    func testCSVHasOneLinePerFrameNamingItsCamera() {
        let csv = FramesCSV.render(sources: [("/dev/video0", records), ("/dev/video4", Array(records.prefix(1)))], periodNanoseconds: 16 * ms)
            .split(separator: "\n")
        XCTAssertEqual(csv.count, 9)
        XCTAssertEqual(csv[0], "camera,sequence,outcome,buffer,timestamp_source,capture_ns,dequeue_ns,commit_ns,flip_ns,vblank_sequence,vblanks_missed,total_ms,capture_side_ms,pipeline_side_ms,conversion_ms,buffer_done_ns,vblanks_late")
        // Done 2 ms after the stamp (seq 6's delivery, the fastest), on the
        // first vblank ≥ 5 ms.
        XCTAssertEqual(csv[1], "/dev/video0,0,shown,0,start-of-exposure,2000000,10000000,10000000,16000000,1,0,14.000,8.000,6.000,,4000000,0")
        XCTAssertEqual(csv[3], "/dev/video0,2,shown,2,start-of-exposure,18000000,21000000,23000000,48000000,3,1,30.000,3.000,27.000,,20000000,1")
        XCTAssertTrue(csv[2].hasSuffix(",17000000,"), "superseded: done, never late: \(csv[2])")
        XCTAssertTrue(csv[4].hasSuffix(",,"), "dropped by the camera: never done: \(csv[4])")
        XCTAssertTrue(csv[4].hasPrefix("/dev/video0,3,droppedByCamera,"), String(csv[4]))
        XCTAssertTrue(csv[8].hasPrefix("/dev/video4,0,shown,"), String(csv[8]))
    }

    /// Two cameras: a report each, one CPU figure over the frames both showed.
    func testTwoCamerasGetAReportEach() {
        var counters = PipelineStatistics()
        counters.shown = 2
        let report = BenchmarkReport.make(
            records: [records, Array(records.prefix(3))], summary: summary(counters, cameras: 2), refreshHz: 62.5,
            measurements: measurements(cpu: (0.5, 0.3, 4), allocations: .init(measured: false, perFrameSteadyState: nil, framesMeasured: 0, allocationsMeasured: 0)))
        XCTAssertEqual(report.cameras.map(\.camera), ["c0", "c1"])
        XCTAssertEqual(report.cameras.map(\.frames.total), [7, 3])
        XCTAssertEqual(report.cpu.perShownFrameMilliseconds, 200, accuracy: 0.001)
        XCTAssertTrue(report.text.hasPrefix("2 cameras → d: display m; "), report.text)
        XCTAssertTrue(report.text.contains("CPU: 200.00 ms per shown frame, all cameras"), report.text)
    }

    func testPlotHasOneDotPerMeasuredFrame() {
        let report = BenchmarkReport.make(
            records: [records], summary: summary(), refreshHz: 62.5,
            measurements: measurements(cpu: (0, 0, 0), allocations: .init(measured: false, perFrameSteadyState: nil, framesMeasured: 0, allocationsMeasured: 0)))
        let svg = BenchmarkPlot.svg(records: records, report: report.cameras[0], mode: report.mode)
        XCTAssertTrue(svg.hasPrefix("<svg"))
        XCTAssertEqual(svg.components(separatedBy: "<circle").count - 1, 1, "one dot per frame the percentiles count (not the modeset frame)")
    }

    func testFrameLogSortsBySequence() {
        let log = FrameLog(expectedFrames: 4)
        for record in records.reversed() { log.append(record) }
        XCTAssertEqual(log.bySequence.map(\.sequence), [0, 1, 2, 3, 4, 5, 6])
        XCTAssertEqual(log.records.first?.sequence, 6, "kept in arrival order")
    }
}
