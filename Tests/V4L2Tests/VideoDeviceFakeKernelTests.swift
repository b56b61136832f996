import CV4L2
import Platform
import TestSupport
@testable import V4L2
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// VideoDevice's queries and the configuration errors of CaptureStream
/// against the fake kernel's camera, and the vb2 rules the fake enforces.
final class VideoDeviceFakeKernelTests: XCTestCase {
    let path = "/dev/video0"
    static let xr24 = FourCC(rawValue: 0x3432_5258)  // 'XR24'
    static let nv12 = FourCC(rawValue: 0x3231_564E)  // 'NV12'
    static let yuyv = FourCC(rawValue: 0x5659_5559)  // 'YUYV'

    func testFormatsSizesIntervalsAndStreamingSupportAreEnumerated() throws {
        let fake = FakeKernel()
        fake.addCamera(at: path)
        let device = try VideoDevice.open(path, kernel: fake)
        XCTAssertEqual(device.capability.driver, "fakecam")
        XCTAssertEqual(try device.requireCapture(), .singlePlanar)
        XCTAssertEqual(try device.formats(for: .singlePlanar).map(\.fourcc), [Self.xr24, Self.nv12])
        XCTAssertEqual(try device.formats(for: .multiplanar), [], "the wrong buffer type lists nothing")
        XCTAssertEqual(try device.frameSizes(for: Self.xr24), [.discrete(width: 640, height: 480), .discrete(width: 1280, height: 720)])
        XCTAssertEqual(try device.frameIntervals(for: Self.xr24, width: 640, height: 480), [
            .discrete(Fraction(numerator: 1, denominator: 30)), .discrete(Fraction(numerator: 1, denominator: 25)),
        ])
        XCTAssertEqual(try device.controls.list().map(\.key), ["brightness"], "the class heading is not a control")

        let mark = fake.callCount
        let support = try device.streamingSupport(for: .singlePlanar)
        XCTAssertEqual(support, StreamingSupport(mmap: true, userPointer: false, dmabuf: true, exportable: true))
        // Export is proven with one buffer, which is freed again.
        XCTAssertEqual(fake.trace(since: mark), [
            "VIDIOC_REQBUFS MMAP 0", "VIDIOC_REQBUFS MMAP 1", "VIDIOC_EXPBUF 0 plane 0",
            "close \(path) buffer 0 plane 0", "VIDIOC_REQBUFS MMAP 0",
        ])
        XCTAssertEqual(fake.openDescriptorLabels, [path])
    }

    func testAFormatTheDriverReplacesIsRefusedNamingWhatIsOffered() throws {
        let fake = FakeKernel()
        fake.addCamera(at: path)
        let device = try VideoDevice.open(path, kernel: fake)
        let configuration = CaptureConfiguration(fourcc: Self.yuyv, width: 640, height: 480)
        XCTAssertThrowsError(try CaptureStream(device: device, configuration: configuration)) { error in
            XCTAssertEqual(error as? CaptureError, .formatNotOffered(
                device: path, requested: FrameFormat(fourcc: Self.yuyv, width: 640, height: 480),
                offered: FrameFormat(fourcc: Self.xr24, width: 640, height: 480), available: [Self.xr24, Self.nv12]))
        }
        XCTAssertFalse(fake.trace.contains { $0.hasPrefix("VIDIOC_REQBUFS") })
    }

    func testAControlValueOutOfRangeChangesNothing() throws {
        let fake = FakeKernel()
        let camera = fake.addCamera(at: path)
        let device = try VideoDevice.open(path, kernel: fake)
        let configuration = CaptureConfiguration(fourcc: Self.xr24, width: 640, height: 480, controls: ["Brightness": 300])
        XCTAssertThrowsError(try CaptureStream(device: device, configuration: configuration)) { error in
            XCTAssertEqual(error as? CaptureError, .controlValueOutOfRange(device: path, control: "brightness", value: 300, minimum: 0, maximum: 255))
        }
        XCTAssertFalse(fake.trace.contains("VIDIOC_S_EXT_CTRLS"))
        XCTAssertEqual(camera.brightnessValue, 128)
    }

    /// vb2 refuses to free the buffers of a streaming queue, and a second
    /// open file may not touch a queue another owns (the fake kernel's
    /// rules, as vb2's): a second stream on the camera is refused with one
    /// error naming the call and the device and takes nothing from the
    /// first; stop turns streaming off before it frees the buffers.
    func testTheQueueCannotBeFreedWhileStreamingNorTakenByAnotherFile() throws {
        let fake = FakeKernel()
        let camera = fake.addCamera(at: path)
        let stream = try CaptureStream(
            device: try VideoDevice.open(path, kernel: fake), configuration: CaptureConfiguration(fourcc: Self.xr24, width: 640, height: 480))
        try stream.start()
        XCTAssertEqual(camera.allocatedBufferCount, 4)

        XCTAssertThrowsError(try CaptureStream(
            device: try VideoDevice.open(path, kernel: fake), configuration: CaptureConfiguration(fourcc: Self.xr24, width: 640, height: 480))
        ) { error in
            XCTAssertEqual(error as? DeviceError, DeviceError(call: "VIDIOC_S_FMT", errnoCode: EBUSY, device: path))
            XCTAssertEqual("\(error)", "/dev/video0: VIDIOC_S_FMT failed: Device or resource busy (EBUSY)")
        }
        XCTAssertEqual(camera.allocatedBufferCount, 4, "the first stream keeps its buffers")
        XCTAssertEqual(try VideoDevice.open(path, kernel: fake).streamingSupport(for: .singlePlanar).exportable, nil,
                       "export cannot be proven while another file owns the queue")
        let mark = fake.callCount
        try stream.stop()
        XCTAssertEqual(fake.trace(since: mark), [
            "VIDIOC_STREAMOFF", "close /dev/video0 buffer 0 plane 0", "close /dev/video0 buffer 1 plane 0",
            "close /dev/video0 buffer 2 plane 0", "close /dev/video0 buffer 3 plane 0", "VIDIOC_REQBUFS MMAP 0",
        ], "streaming off before the buffers are freed")
        XCTAssertEqual(camera.allocatedBufferCount, 0)
        XCTAssertEqual(fake.violations, [])
    }
}
