import Conversion
import Dispatch
import Pipeline
import V4L2
import XCTest

/// The copy path's buffer discipline with a scripted camera and display and
/// real libyuv conversions: camera buffers go back as soon as they are
/// converted; a display buffer is written only after the scheduler gave it
/// back, i.e. after the flip that replaced it completed.
final class ConvertingCameraTests: XCTestCase {
    private let width = 4, height = 2
    private let queue = DispatchQueue(label: "test.pipeline")
    private var camera = FakeCamera(bufferCount: 4)
    private var display = FakeDisplay()
    private var sources: [UnsafeMutableRawBufferPointer] = []
    private var targets: [UnsafeMutableRawBufferPointer] = []
    private var converting: ConvertingCamera?
    private var scheduler: Scheduler?

    /// 'BGR3' camera buffers, each filled with colour (B, G, R) = (index, 100, 200).
    private func makePipeline(format: ConvertibleFormat = .bgr24, displayBuffers: Int = 3) throws {
        sources = (0..<4).map { index in
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: width * height * 3, alignment: 16)
            for pixel in 0..<(width * height) { buffer[pixel * 3] = UInt8(index); buffer[pixel * 3 + 1] = 100; buffer[pixel * 3 + 2] = 200 }
            return buffer
        }
        targets = (0..<displayBuffers).map { _ in
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: width * height * 4, alignment: 16)
            buffer.initializeMemory(as: UInt8.self, repeating: 0)
            return buffer
        }
        let converting = ConvertingCamera(
            camera: camera, sourceMemory: sources.map { UnsafeRawBufferPointer($0) },
            displayMemory: targets.compactMap { buffer in buffer.baseAddress.map { ($0, width * 4) } },
            converter: try FrameConverter(format: format, width: width, height: height), pipelineQueue: queue)
        let scheduler = Scheduler(bufferCount: displayBuffers, camera: converting, display: display, refreshPeriodNanoseconds: 16_666_667)
        converting.onConverted = { [scheduler] in
            do { try scheduler.cameraReadable() } catch { XCTFail("cameraReadable: \(error)") }
        }
        self.converting = converting
        self.scheduler = scheduler
    }

    override func tearDown() {
        queue.sync {}
        converting = nil
        scheduler = nil
        for buffer in sources + targets { buffer.deallocate() }
        sources = []
        targets = []
    }

    /// The camera fills `index` and its source fires; waits until the
    /// conversion it starts (if any) has been handed to the scheduler.
    private func capture(_ index: Int, sequence: UInt32) throws {
        let before = queue.sync { converting?.statistics.converted ?? 0 }
        // Camera and scheduler are the pipeline queue's: touched only there.
        try queue.sync {
            camera.fill(index, sequence: sequence)
            try converting?.cameraReadable()
        }
        XCTAssertTrue(waitUntil(timeout: 30) { queue.sync { (converting?.statistics.converted ?? 0) > before } }, "converted")
    }

    /// Pixel 0 of display buffer `index` as (B, G, R, X).
    private func shown(_ index: Int) -> [UInt8] { Array(targets[index][0..<4]) }

    func testFramesAreConvertedIntoFreeDisplayBuffersAndCameraBuffersGoBackAtOnce() throws {
        try makePipeline()
        try capture(0, sequence: 1)
        XCTAssertEqual(camera.log, ["DQBUF 0", "QBUF 0"], "the camera buffer is back as soon as it is converted")
        XCTAssertEqual(display.log, ["COMMIT 0"], "display buffer 0 committed")
        XCTAssertEqual(shown(0), [0, 100, 200, 255])

        // Frame 2 arrives while the flip to display buffer 0 is pending: it
        // is converted into display buffer 1 and waits.
        try capture(1, sequence: 2)
        XCTAssertEqual(display.log, ["COMMIT 0"])
        XCTAssertEqual(shown(1), [1, 100, 200, 255])
        try queue.sync { try scheduler?.vblank(display) }
        XCTAssertEqual(display.log, ["COMMIT 0", "FLIP 0", "COMMIT 1"])

        // Two more frames while buffer 1's flip is pending and 0 is on
        // screen: only buffer 2 is free; buffer 0 (on screen) must not be written.
        try capture(2, sequence: 3)
        XCTAssertEqual(shown(2), [2, 100, 200, 255])
        try queue.sync {
            // No display buffer is free, so frame 4 must wait rather than
            // start converting. Frame 5, in the same turn, replaces it: had
            // frame 4 started (into a buffer not free), frame 5 would wait
            // and nothing would be superseded. Known here and now, however
            // slow the conversion queue is.
            camera.fill(1, sequence: 4)
            try converting?.cameraReadable()
            camera.fill(3, sequence: 5)
            try converting?.cameraReadable()
            XCTAssertEqual(converting?.statistics.superseded, 1, "frame 4 waited for a free display buffer")
            XCTAssertEqual(converting?.statistics.converted, 3)
        }
        XCTAssertEqual(shown(0), [0, 100, 200, 255], "the buffer on screen was not overwritten")
        // The flip to 1 completes: 0 is given back, and the waiting frame
        // (5, camera buffer 3) is converted into it.
        try queue.sync { try scheduler?.vblank(display) }
        XCTAssertTrue(waitUntil(timeout: 30) { queue.sync { converting?.statistics.converted == 4 } })
        XCTAssertEqual(shown(0), [3, 100, 200, 255], "written again only after the flip that replaced it")
        queue.sync {
            XCTAssertEqual(scheduler?.pool.violations, [])
            XCTAssertEqual(converting?.statistics.bytesRead, 4 * width * height * 3)
            XCTAssertEqual(converting?.statistics.bytesWritten, 4 * width * height * 4)
            XCTAssertGreaterThan(converting?.statistics.cpuNanoseconds ?? 0, 0)
        }
    }

    func testANewerFrameReplacesTheOneWaitingForTheConverter() throws {
        try makePipeline()
        // In one turn of the pipeline queue the conversion of frame 1 has
        // not come back, so frame 2 waits and frame 3 replaces it.
        try queue.sync {
            camera.fill(0, sequence: 1)
            camera.fill(1, sequence: 2)
            camera.fill(2, sequence: 3)
            try converting?.cameraReadable()
            try converting?.cameraReadable()
            try converting?.cameraReadable()
            XCTAssertEqual(converting?.statistics.superseded, 1)
        }
        XCTAssertTrue(waitUntil(timeout: 30) { queue.sync { converting?.statistics.converted == 2 } })
        queue.sync {}
        XCTAssertEqual(camera.log.filter { $0.hasPrefix("QBUF") }.sorted(), ["QBUF 0", "QBUF 1", "QBUF 2"], "every camera buffer went back")
        XCTAssertEqual(camera.queued, Set(0..<4))
    }

    func testARefusedFrameIsCountedAndNeverShown() throws {
        // MJPEG whose "JPEG" is the colour bytes: libyuv refuses it.
        try makePipeline(format: .mjpeg)
        var refused: [UInt32] = []
        converting?.onRefused = { frame, _ in refused.append(frame.sequence) }
        try queue.sync {
            camera.fill(0, sequence: 7)
            try converting?.cameraReadable()
        }
        XCTAssertTrue(waitUntil(timeout: 30) { queue.sync { converting?.statistics.refused == 1 } })
        queue.sync {}
        queue.sync {
            XCTAssertEqual(refused, [7])
            XCTAssertEqual(display.log, [], "nothing committed")
            XCTAssertEqual(camera.log, ["DQBUF 0", "QBUF 0"], "its buffer went back to the camera")
        }
        XCTAssertEqual(queue.sync { converting?.statistics.converted }, 0)
    }

    func testAFrameTheCameraFlaggedIsCountedByTheSchedulerAndWritesNothing() throws {
        try makePipeline()
        try queue.sync {
            camera.fill(0, sequence: 1, error: true)
            try converting?.cameraReadable()
        }
        queue.sync {
            XCTAssertEqual(scheduler?.statistics.cameraErrors, 1)
            XCTAssertEqual(display.log, [], "nothing committed")
            XCTAssertEqual(camera.log, ["DQBUF 0", "QBUF 0"])
        }
        XCTAssertEqual(shown(0), [0, 0, 0, 0], "no display buffer written")
        // The display buffer lent for the count is free again: frames go on.
        try capture(1, sequence: 2)
        try queue.sync { try scheduler?.vblank(display) }
        try capture(2, sequence: 3)
        try queue.sync { try scheduler?.vblank(display) }
        try capture(3, sequence: 4)
        queue.sync {
            XCTAssertEqual(scheduler?.pool.violations, [])
            XCTAssertEqual(converting?.statistics.converted, 3)
        }
    }

    func testCloseWaitsForTheConversionInProgressAndHandsNothingOn() throws {
        try makePipeline()
        try queue.sync {
            camera.fill(0, sequence: 1)
            try converting?.cameraReadable()  // the conversion starts on its own queue
            converting?.close()  // returns only once it has ended, its hop back queued
        }
        queue.sync {}  // that hop back has run, and seen the close
        queue.sync {
            XCTAssertEqual(display.log, [], "nothing committed after the close")
            XCTAssertEqual(converting?.statistics.converted, 0)
        }
        // Nothing starts again: a second frame finds the first still
        // waiting (not started) and replaces it.
        try queue.sync {
            camera.fill(1, sequence: 2)
            try converting?.cameraReadable()
            camera.fill(2, sequence: 3)
            try converting?.cameraReadable()
            XCTAssertEqual(converting?.statistics.superseded, 1, "frame 2 was not started after the close")
            converting?.close()  // had one started, this waits for it
        }
        queue.sync {
            XCTAssertEqual(display.log, [])
            XCTAssertEqual(converting?.statistics.converted, 0)
        }
    }
}
