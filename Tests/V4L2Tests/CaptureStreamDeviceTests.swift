import Foundation
import Platform
import TestSupport
import V4L2
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// Capture streams against vivid in the lab (`n_devs=2 multiplanar=1,2`):
/// instance 0 is single-planar, instance 1 multiplanar.
final class CaptureStreamDeviceTests: XCTestCase {
    struct NoFrame: Error, CustomStringConvertible {
        let path: String
        var description: String { "\(path): no frame within 5 s" }
    }

    private static let xr24 = FourCC(rawValue: 0x3432_5258)  // 'XR24'

    /// The vivid capture node with the given buffer type.
    private func vividNode(_ type: CaptureBufferType) throws -> String {
        for path in videoDeviceNodes() {
            let device = try VideoDevice.open(path)
            if device.capability.driver == "vivid", device.captureBufferType == type { return path }
        }
        throw XCTSkip("unreachable in the lab: no vivid \(type) capture node")  // Lab.require() ran first
    }

    private func configuration(
        _ fourcc: String = "XR24", controls: [String: Int64] = ["timestamp_source": 0]
    ) -> CaptureConfiguration {
        CaptureConfiguration(
            fourcc: FourCC(fourcc) ?? Self.xr24, width: 640, height: 480, bufferCount: 4,
            frameInterval: Fraction(numerator: 1, denominator: 25), controls: controls)
    }

    private func monotonicNow() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }

    /// Waits with poll(2) for the next frame; fails after 5 s without one.
    private func nextFrame(_ stream: CaptureStream) throws -> CapturedFrame {
        let deadline = monotonicNow() + 5_000_000_000
        while true {
            if let frame = try stream.dequeue() { return frame }
            let remaining = deadline - monotonicNow()
            guard remaining > 0 else { throw NoFrame(path: stream.device.path) }
            var entry = pollfd(fd: stream.fileDescriptor, events: Int16(POLLIN), revents: 0)
            _ = poll(&entry, 1, Int32(max(1, remaining / 1_000_000)))
        }
    }

    /// Streams `count` frames, queuing each buffer again at once, and checks
    /// the frames are in order and time-stamped on CLOCK_MONOTONIC.
    @discardableResult
    private func streamFrames(_ stream: CaptureStream, count: Int, file: StaticString = #filePath, line: UInt = #line) throws -> [CapturedFrame] {
        var frames: [CapturedFrame] = []
        for _ in 0..<count {
            let frame = try nextFrame(stream)
            XCTAssertTrue(stream.buffers.indices.contains(frame.index), "index \(frame.index)", file: file, line: line)
            XCTAssertFalse(stream.isQueued(index: frame.index), file: file, line: line)
            XCTAssertFalse(frame.hasError, file: file, line: line)
            XCTAssertTrue(frame.isMonotonic, "flags 0x\(String(frame.flags, radix: 16))", file: file, line: line)
            XCTAssertEqual(frame.bytesUsed.count, stream.format.planes.count, file: file, line: line)
            if let previous = frames.last {
                XCTAssertGreaterThan(frame.sequence, previous.sequence, file: file, line: line)
                XCTAssertGreaterThan(frame.timestampNanoseconds, previous.timestampNanoseconds, file: file, line: line)
            }
            frames.append(frame)
            try stream.queue(index: frame.index)
        }
        return frames
    }

    private func openDescriptorCount() throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
    }

    /// Lines of /proc/self/maps that map a video node or a dma-buf.
    private func frameMemoryMappings() throws -> [String] {
        try String(contentsOfFile: "/proc/self/maps", encoding: .utf8)
            .split(separator: "\n")
            .filter { $0.contains("/dev/video") || $0.contains("dmabuf") }
            .map(String.init)
    }

    /// Every buffer has one distinct, open dma-buf per memory plane, at least
    /// as large as the plane's image.
    private func checkExportedBuffers(_ stream: CaptureStream, count: Int, planes: Int,
                                      file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(stream.memory, .exported, file: file, line: line)
        XCTAssertEqual(stream.buffers.count, count, file: file, line: line)
        var seen = Set<Int32>()
        for (index, buffer) in stream.buffers.enumerated() {
            XCTAssertEqual(buffer.index, index, file: file, line: line)
            XCTAssertEqual(buffer.planes.count, planes, file: file, line: line)
            for (number, plane) in buffer.planes.enumerated() {
                XCTAssertGreaterThanOrEqual(plane.dmabuf.rawValue, 0, file: file, line: line)
                XCTAssertTrue(seen.insert(plane.dmabuf.rawValue).inserted, "distinct fds", file: file, line: line)
                XCTAssertNotEqual(fcntl(plane.dmabuf.rawValue, F_GETFD), -1, "fd is open", file: file, line: line)
                XCTAssertGreaterThanOrEqual(plane.length, stream.format.planes[number].sizeImage, file: file, line: line)
                XCTAssertGreaterThanOrEqual(try plane.dmabuf.size(), Int(plane.length), file: file, line: line)
                XCTAssertEqual(plane.bytesPerLine, stream.format.planes[number].bytesPerLine, file: file, line: line)
            }
        }
    }

    private func checkXR24Streaming(_ type: CaptureBufferType) throws {
        let path = try vividNode(type)
        let device = try VideoDevice.open(path)
        let stream = try CaptureStream(device: device, configuration: configuration())
        XCTAssertEqual(stream.format, CaptureFormat(
            fourcc: Self.xr24, width: 640, height: 480, bufferType: type,
            planes: [CapturePlaneFormat(bytesPerLine: 2560, sizeImage: 1_228_800)]))
        XCTAssertEqual(stream.frameInterval, Fraction(numerator: 1, denominator: 25))
        try checkExportedBuffers(stream, count: 4, planes: 1)
        XCTAssertFalse(stream.isStreaming)

        try stream.start()
        XCTAssertTrue(stream.isStreaming)
        XCTAssertEqual(stream.queuedBufferCount, 4)
        XCTAssertThrowsError(try stream.queue(index: 0)) { error in
            XCTAssertEqual(error as? CaptureError, .bufferAlreadyQueued(device: path, index: 0))
        }
        XCTAssertThrowsError(try stream.queue(index: 4)) { error in
            XCTAssertEqual(error as? CaptureError, .noSuchBuffer(device: path, index: 4, count: 4))
        }
        let frames = try streamFrames(stream, count: 20)
        XCTAssertEqual(Set(frames.map(\.index)), [0, 1, 2, 3], "every buffer comes round")
        XCTAssertTrue(frames.allSatisfy { $0.timestampSource == .endOfFrame })
        XCTAssertTrue(frames.allSatisfy { Array($0.bytesUsed) == [1_228_800] })
        XCTAssertEqual(try frameMemoryMappings(), [], "zero copy: no frame memory is mapped")
        try stream.stop()
        XCTAssertTrue(stream.buffers.isEmpty)
        XCTAssertFalse(stream.isStreaming)
        XCTAssertThrowsError(try stream.start())
    }

    func testSinglePlanarXR24ExportsOneDmaBufPerBufferAndStreams() throws {
        try Lab.require()
        try checkXR24Streaming(.singlePlanar)
    }

    func testMultiplanarXR24ExportsOneDmaBufPerBufferAndStreams() throws {
        try Lab.require()
        try checkXR24Streaming(.multiplanar)
    }

    func testStartOfExposureControlIsReflectedInBufferFlags() throws {
        try Lab.require()
        for type in [CaptureBufferType.singlePlanar, .multiplanar] {
            let device = try VideoDevice.open(try vividNode(type))
            try device.controls.set(["timestamp_source": 0])  // vivid's default, end of frame
            let stream = try CaptureStream(device: device, configuration: configuration(controls: ["Timestamp Source": 1]))
            XCTAssertEqual(try device.controls.value(of: device.controls.named("timestamp_source")), 1)
            try stream.start()
            for frame in try streamFrames(stream, count: 10) {
                XCTAssertEqual(frame.timestampSource, .startOfExposure, "\(device.path) flags 0x\(String(frame.flags, radix: 16))")
            }
            // A start-of-exposure time is in the past when the frame arrives.
            let frame = try nextFrame(stream)
            XCTAssertLessThanOrEqual(frame.timestampNanoseconds, monotonicNow())
            try stream.stop()
            XCTAssertEqual(try device.controls.value(of: device.controls.named("timestamp_source")), 0, "\(device.path): put back as found at stop")
        }
    }

    /// The copy path reads camera buffers through their dma-bufs, bracketed
    /// with DMA_BUF_IOCTL_SYNC: vivid's exporter (videobuf2) takes both.
    func testAnExportedBufferTakesCPUReadSync() throws {
        try Lab.require()
        let device = try VideoDevice.open(try vividNode(.singlePlanar))
        let stream = try CaptureStream(device: device, configuration: configuration())
        defer { try? stream.stop() }
        let dmabuf = try XCTUnwrap(stream.buffers.first?.planes.first?.dmabuf)
        XCTAssertNoThrow(try dmabuf.beginCPURead())
        XCTAssertNoThrow(try dmabuf.endCPURead())
    }

    func testNV12MHasTwoPlanesWithTwoDmaBufs() throws {
        try Lab.require()
        let device = try VideoDevice.open(try vividNode(.multiplanar))
        let stream = try CaptureStream(device: device, configuration: configuration("NM12"))
        XCTAssertEqual(stream.format.fourcc, FourCC("NM12"))
        XCTAssertEqual(stream.format.planes, [
            CapturePlaneFormat(bytesPerLine: 640, sizeImage: 307_200),
            CapturePlaneFormat(bytesPerLine: 640, sizeImage: 153_600),
        ])
        try checkExportedBuffers(stream, count: 4, planes: 2)
        try stream.start()
        for frame in try streamFrames(stream, count: 20) {
            XCTAssertEqual(Array(frame.bytesUsed), [307_200, 153_600])
        }
    }

    /// vivid puts a 128-byte header before the luma plane of NV16M; the
    /// offset is reported with each dequeued frame (QUERYBUF, before any
    /// capture, reports none).
    func testMultiplanarDataOffsetIsReportedPerFrame() throws {
        try Lab.require()
        let device = try VideoDevice.open(try vividNode(.multiplanar))
        let stream = try CaptureStream(device: device, configuration: configuration("NM16"))
        XCTAssertEqual(stream.format.planes.map(\.sizeImage), [307_200 + 128, 307_200])
        try stream.start()
        let frame = try nextFrame(stream)
        XCTAssertEqual(Array(frame.dataOffsets), [128, 0])
        XCTAssertEqual(stream.buffers[frame.index].planes.map(\.dataOffset), [0, 0], "as QUERYBUF said at setup")
        try stream.queue(index: frame.index)
    }

    func testStopClosesEveryDescriptorAndNothingIsEverMapped() throws {
        try Lab.require()
        let mappingsBefore = try frameMemoryMappings()
        XCTAssertEqual(mappingsBefore, [])
        for type in [CaptureBufferType.singlePlanar, .multiplanar] {
            let path = try vividNode(type)
            let before = try openDescriptorCount()
            do {
                let device = try VideoDevice.open(path)
                let stream = try CaptureStream(device: device, configuration: configuration())
                XCTAssertEqual(try openDescriptorCount(), before + 1 + 4, "the device and 4 dma-bufs")
                try stream.start()
                try streamFrames(stream, count: 5)
                XCTAssertEqual(try frameMemoryMappings(), [])
                try stream.stop()
                XCTAssertEqual(try openDescriptorCount(), before + 1, "only the device is left open")
                try stream.stop()  // idempotent
            }
            XCTAssertEqual(try openDescriptorCount(), before, path)
            // Dropping a stream that is still streaming tears it down too.
            do {
                let stream = try CaptureStream(device: try VideoDevice.open(path), configuration: configuration())
                try stream.start()
                _ = try nextFrame(stream)
            }
            XCTAssertEqual(try openDescriptorCount(), before, path)
            XCTAssertEqual(try frameMemoryMappings(), [])
            // The queue really was freed: a new stream can set the format again.
            XCTAssertNoThrow(try CaptureStream(device: try VideoDevice.open(path), configuration: configuration()))
        }
    }

    func testUnofferedFormatGivesAClearError() throws {
        try Lab.require()
        let path = try vividNode(.singlePlanar)
        let device = try VideoDevice.open(path)
        let before = try openDescriptorCount()
        XCTAssertThrowsError(try CaptureStream(device: device, configuration: configuration("MJPG"))) { error in
            guard case .formatNotOffered(let device, let requested, let offered, let available) = error as? CaptureError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(device, path)
            XCTAssertEqual(requested, FrameFormat(fourcc: FourCC("MJPG")!, width: 640, height: 480))
            XCTAssertNotEqual(offered.fourcc, FourCC("MJPG"))
            XCTAssertTrue(available.contains(Self.xr24))
            XCTAssertTrue("\(error)".hasPrefix("\(path) cannot capture 'MJPG' 640x480: the driver offers '"), "\(error)")
            XCTAssertTrue("\(error)".contains("available formats: 'YUYV'"), "\(error)")
            XCTAssertEqual((error as? UserFacingError)?.category, .invalidRequest)
        }
        XCTAssertEqual(try openDescriptorCount(), before)
    }

    func testControlsByNameOnVivid() throws {
        try Lab.require()
        let device = try VideoDevice.open(try vividNode(.singlePlanar))
        let controls = try device.controls.list()
        XCTAssertFalse(controls.contains { $0.type == .controlClass })
        XCTAssertTrue(controls.contains { $0.key == "disconnect" && $0.type == .button })
        let source = try device.controls.named("timestamp_source")
        XCTAssertEqual(source.name, "Timestamp Source")
        XCTAssertEqual(source.type, .menu)
        XCTAssertEqual([source.minimum, source.maximum], [0, 1])

        try device.controls.set(["integer_64_bits": 1 << 40, "Brightness": 100])
        XCTAssertEqual(try device.controls.value(of: device.controls.named("Integer 64 Bits")), 1 << 40)
        XCTAssertEqual(try device.controls.value(of: device.controls.named("brightness")), 100)
        try device.controls.set(["integer_64_bits": 0, "brightness": 128])

        // A button is pressed whatever the value; it cannot be read.
        try device.controls.set(["button": 7])
        XCTAssertThrowsError(try device.controls.value(of: device.controls.named("button")))

        XCTAssertThrowsError(try device.controls.set(["timestamp_source": 2])) { error in
            XCTAssertEqual(error as? CaptureError, .controlValueOutOfRange(
                device: device.path, control: "timestamp_source", value: 2, minimum: 0, maximum: 1))
        }
        XCTAssertThrowsError(try device.controls.set(["brightness": 10, "no_such_control": 1])) { error in
            guard case .unknownControl(_, let name, let available) = error as? CaptureError else { return XCTFail("\(error)") }
            XCTAssertEqual(name, "no_such_control")
            XCTAssertTrue(available.contains("timestamp_source"))
            XCTAssertTrue(available.contains("disconnect"))
        }
        XCTAssertEqual(try device.controls.value(of: device.controls.named("brightness")), 128, "a typo changes nothing")
        XCTAssertThrowsError(try device.controls.set(["read_only_integer_32_bits": 1])) { error in
            XCTAssertEqual(error as? CaptureError, .controlReadOnly(device: device.path, control: "read_only_integer_32_bits"))
        }
    }

    /// Buffers exported by vivid instance 0 are imported into instance 1
    /// (same format and size, so the same plane size) with V4L2_MEMORY_DMABUF.
    func testImportedDmaBufsStream() throws {
        try Lab.require()
        let before = try openDescriptorCount()
        do {
            let exporter = try CaptureStream(
                device: try VideoDevice.open(try vividNode(.singlePlanar)), configuration: configuration())
            let importerDevice = try VideoDevice.open(try vividNode(.multiplanar))
            // Half shared by reference, half borrowed (duplicated by the stream).
            let imports: [[ImportedPlane]] = exporter.buffers.map { buffer in
                let plane = buffer.planes[0]
                return buffer.index.isMultiple(of: 2)
                    ? [ImportedPlane(dmabuf: plane.dmabuf, length: plane.length)]
                    : [ImportedPlane(fd: plane.dmabuf.rawValue, length: plane.length)]
            }
            let importer = try CaptureStream(device: importerDevice, configuration: configuration(), importing: imports)
            XCTAssertEqual(importer.memory, .imported)
            XCTAssertEqual(importer.buffers.count, 4)
            XCTAssertTrue(importer.buffers[0].planes[0].dmabuf === exporter.buffers[0].planes[0].dmabuf)
            XCTAssertNotEqual(importer.buffers[1].planes[0].dmabuf.rawValue, exporter.buffers[1].planes[0].dmabuf.rawValue)
            try importer.start()
            let frames = try streamFrames(importer, count: 12)
            XCTAssertTrue(frames.allSatisfy { Array($0.bytesUsed) == [1_228_800] })
            XCTAssertEqual(Set(frames.map(\.index)), [0, 1, 2, 3])
            XCTAssertEqual(try frameMemoryMappings(), [])
            try importer.stop()
            try exporter.stop()
        }
        XCTAssertEqual(try openDescriptorCount(), before)
    }

    func testImportRejectsPlanesThatDoNotFitTheFormat() throws {
        try Lab.require()
        let exporter = try CaptureStream(
            device: try VideoDevice.open(try vividNode(.singlePlanar)), configuration: configuration())
        let device = try VideoDevice.open(try vividNode(.multiplanar))
        let plane = try XCTUnwrap(exporter.buffers.first?.planes.first)
        // NV12M needs two planes per buffer.
        XCTAssertThrowsError(try CaptureStream(
            device: device, configuration: configuration("NM12"),
            importing: [[ImportedPlane(dmabuf: plane.dmabuf, length: plane.length)],
                        [ImportedPlane(dmabuf: plane.dmabuf, length: plane.length)]])) { error in
            XCTAssertEqual(error as? CaptureError, .importedPlaneCountMismatch(device: device.path, buffer: 0, expected: 2, got: 1))
        }
        XCTAssertThrowsError(try CaptureStream(
            device: device, configuration: configuration(),
            importing: [[ImportedPlane(dmabuf: plane.dmabuf, length: 1000)],
                        [ImportedPlane(dmabuf: plane.dmabuf, length: 1000)]])) { error in
            XCTAssertEqual(error as? CaptureError, .importedPlaneTooSmall(device: device.path, buffer: 0, plane: 0, length: 1000, needed: 1_228_800))
        }
        XCTAssertThrowsError(try CaptureStream(
            device: device, configuration: configuration(),
            importing: [[ImportedPlane(dmabuf: plane.dmabuf, length: plane.length, offset: 4096)],
                        [ImportedPlane(dmabuf: plane.dmabuf, length: plane.length)]])) { error in
            XCTAssertEqual(error as? CaptureError, .importedPlaneOffsetNotSupported(device: device.path, buffer: 0, plane: 0, offset: 4096))
        }
    }
}
