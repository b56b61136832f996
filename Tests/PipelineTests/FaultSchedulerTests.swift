import Pipeline
import Platform
import V4L2
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// A scripted camera whose next `VIDIOC_QBUF` calls fail with the given
/// errnos, one per call, before it accepts buffers again.
final class RefusingCamera: CameraQueue {
    let camera: FakeCamera
    var refusals: [Int32] = []
    private(set) var attempts: [BufferIndex] = []
    static let path = "/dev/video9"

    init(bufferCount: Int) { camera = FakeCamera(bufferCount: bufferCount) }

    func dequeue() throws -> CapturedFrame? { try camera.dequeue() }

    func queue(_ index: BufferIndex) throws {
        attempts.append(index)
        if !refusals.isEmpty {
            throw DeviceError(call: "VIDIOC_QBUF", errnoCode: refusals.removeFirst(), device: Self.path)
        }
        try camera.queue(index)
    }
}

/// The scheduler's error paths: a buffer the camera refuses to take back,
/// and how kernel errors become the pipeline's camera faults.
final class FaultSchedulerTests: XCTestCase {
    private var camera = RefusingCamera(bufferCount: 4)
    private var display = FakeDisplay()
    private lazy var scheduler = Scheduler(bufferCount: 4, camera: camera, display: display, refreshPeriodNanoseconds: 16_666_667)

    override func setUp() {
        camera = RefusingCamera(bufferCount: 4)
        display = FakeDisplay()
        scheduler = Scheduler(bufferCount: 4, camera: camera, display: display, refreshPeriodNanoseconds: 16_666_667)
    }

    /// Shows buffer 0, then buffer 1: the flip of 1 hands 0 back to the camera.
    private func showTwoFrames() throws {
        camera.camera.fill(0, sequence: 0)
        try scheduler.cameraFires(camera.camera)
        try scheduler.vblank(display)
        camera.camera.fill(1, sequence: 1)
        try scheduler.cameraFires(camera.camera)
        try scheduler.vblank(display)
    }

    func testBufferRefusedOnceIsQueuedAgainAndStreamingGoesOn() throws {
        camera.refusals = [EINVAL]
        try showTwoFrames()
        XCTAssertEqual(camera.attempts, [0, 0], "QBUF 0 refused, then asked again")
        XCTAssertEqual(camera.camera.log.filter { $0.hasPrefix("QBUF") }, ["QBUF 0"])
        XCTAssertEqual(scheduler.statistics.cameraQueueRetries, 1)
        XCTAssertEqual(scheduler.state(of: 0), .inCamera)
        // And the pipeline keeps going.
        camera.camera.fill(2, sequence: 2)
        try scheduler.cameraFires(camera.camera)
        try scheduler.vblank(display)
        XCTAssertEqual(scheduler.statistics.shown, 3)
        XCTAssertEqual(scheduler.pool.violations, [])
    }

    func testBufferRefusedTwiceEndsTheRunNamingDeviceAndBuffer() throws {
        camera.refusals = [EINVAL, ENOMEM]
        XCTAssertThrowsError(try showTwoFrames()) { error in
            let failure = error as? PipelineError
            XCTAssertEqual(failure, .bufferNotReturned(
                device: RefusingCamera.path, index: 0, cause: "VIDIOC_QBUF failed twice: EINVAL, then ENOMEM"))
            XCTAssertEqual(failure?.category, .deviceFailed)
            XCTAssertEqual(failure?.description,
                           "/dev/video9: the camera did not take buffer 0 back (VIDIOC_QBUF failed twice: EINVAL, then ENOMEM); stopping")
        }
        XCTAssertEqual(camera.attempts, [0, 0], "no third attempt")
        XCTAssertEqual(scheduler.statistics.cameraQueueRetries, 0)
        XCTAssertEqual(scheduler.pool.violations, [])
    }

    func testUnpluggedCameraIsNotAskedAgain() throws {
        camera.refusals = [ENODEV]
        XCTAssertThrowsError(try showTwoFrames()) { error in
            XCTAssertEqual((error as? DeviceError)?.errnoCode, ENODEV)
            let fault = PipelineError.cameraFault(error, device: RefusingCamera.path) as? PipelineError
            XCTAssertEqual(fault, .cameraUnplugged(device: RefusingCamera.path))
            XCTAssertEqual(fault?.category, .deviceFailed)
        }
        XCTAssertEqual(camera.attempts, [0])
    }

    func testFatalStreamingErrorIsNotAskedAgain() throws {
        camera.refusals = [EIO]
        XCTAssertThrowsError(try showTwoFrames()) { error in
            let fault = PipelineError.cameraFault(error, device: RefusingCamera.path) as? PipelineError
            XCTAssertEqual(fault, .cameraFailed(device: RefusingCamera.path, cause: "VIDIOC_QBUF failed: EIO"))
            XCTAssertEqual(fault?.description,
                           "/dev/video9: the camera stopped streaming with a fatal error (VIDIOC_QBUF failed: EIO); restart it and start again")
        }
        XCTAssertEqual(camera.attempts, [0])
    }

    func testCameraFaultKeepsOtherErrorsAsTheyAre() {
        let streamOn = DeviceError(call: "VIDIOC_STREAMON", errnoCode: EINVAL, device: RefusingCamera.path)
        XCTAssertEqual(PipelineError.cameraFault(streamOn, device: RefusingCamera.path) as? DeviceError, streamOn)
        let display = DeviceError(call: "DRM_IOCTL_MODE_ATOMIC", errnoCode: ENODEV, device: "/dev/dri/card0")
        XCTAssertEqual(PipelineError.cameraFault(display, device: RefusingCamera.path) as? DeviceError, display,
                       "only the camera's own errors are camera faults")
        let unplugged = DeviceError(call: "VIDIOC_STREAMON", errnoCode: ENODEV, device: RefusingCamera.path)
        XCTAssertEqual(PipelineError.cameraFault(unplugged, device: RefusingCamera.path) as? PipelineError,
                       .cameraUnplugged(device: RefusingCamera.path))
        XCTAssertEqual(PipelineError.cameraFault(FakeError.commitRejected, device: RefusingCamera.path) as? FakeError,
                       .commitRejected)
    }

    func testEveryPipelineErrorIsOneLineNamingTheDeviceWithACategory() {
        let errors: [PipelineError] = [
            .cameraStalled(device: "/dev/video0", after: .seconds(3)),
            .dataOffsetChanged(device: "/dev/video0", index: 2, imported: [0, 0], reported: [128, 0]),
            .flipTimedOut(device: "/dev/dri/card0", after: .seconds(1)), .inconsistentPlanes(device: "/dev/video0", format: "NV12"),
            .cameraUnplugged(device: "/dev/video0"), .cameraFailed(device: "/dev/video0", cause: "VIDIOC_DQBUF failed: EIO"),
            .bufferNotReturned(device: "/dev/video0", index: 1, cause: "VIDIOC_QBUF failed twice: EINVAL, then EINVAL"),
        ]
        for error in errors {
            XCTAssertFalse(error.description.contains("\n"), error.description)
            XCTAssertTrue(error.description.hasPrefix("/dev/"), error.description)
            XCTAssertNotEqual(error.category, .other, "\(error)")
            XCTAssertNotEqual(error.category, .internalError, "a device fault is not a framepipe bug: \(error)")
        }
    }
}
