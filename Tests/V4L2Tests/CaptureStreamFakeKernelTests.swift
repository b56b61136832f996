import CV4L2
import Platform
import TestSupport
@testable import V4L2
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// CaptureStream against a scripted fake kernel, on any machine: the exact
/// ioctl sequence of setup, streaming and teardown, teardown after an
/// unplug, and an error at every setup step.
final class CaptureStreamFakeKernelTests: XCTestCase {
    let path = "/dev/video0"
    static let xr24 = FourCC(rawValue: 0x3432_5258)  // 'XR24'
    static let nm12 = FourCC(rawValue: 0x3231_4D4E)  // 'NM12', NV12 in two memory planes

    /// XR24 (one plane) single-planar, NM12 (two planes) multiplanar, both
    /// at 640x480, 4 buffers, 25 fps and one control.
    func configuration(multiplanar: Bool) -> CaptureConfiguration {
        CaptureConfiguration(
            fourcc: multiplanar ? Self.nm12 : Self.xr24, width: 640, height: 480, bufferCount: 4,
            frameInterval: Fraction(numerator: 1, denominator: 25), controls: ["brightness": 100])
    }

    func planeCount(multiplanar: Bool) -> Int { multiplanar ? 2 : 1 }

    /// The calls of `VideoDevice.open` on the fake.
    func openCalls(multiplanar: Bool) -> [String] {
        // libv4l2 is kept away from multiplanar-only nodes.
        ["stat \(path)", "open \(path)", "VIDIOC_QUERYCAP"] + (multiplanar ? [] : ["v4l2_fd_open \(path)"])
    }

    /// The calls of `CaptureStream.init` on the fake, for 4 buffers.
    func setupCalls(multiplanar: Bool) -> [String] {
        var calls = [
            "VIDIOC_S_FMT", "VIDIOC_G_PARM", "VIDIOC_S_PARM",
            // The control list: the class heading, Brightness, the end.
            "VIDIOC_QUERY_EXT_CTRL", "VIDIOC_QUERY_EXT_CTRL", "VIDIOC_QUERY_EXT_CTRL -> EINVAL",
            // Brightness as found (put back at stop), then set.
            "VIDIOC_G_EXT_CTRLS", "VIDIOC_S_EXT_CTRLS", "VIDIOC_REQBUFS MMAP 4",
        ]
        for index in 0..<4 {
            calls.append("VIDIOC_QUERYBUF \(index)")
            calls += (0..<planeCount(multiplanar: multiplanar)).map { "VIDIOC_EXPBUF \(index) plane \($0)" }
        }
        return calls
    }

    func dmaBufLabels(multiplanar: Bool) -> [String] {
        (0..<4).flatMap { index in (0..<planeCount(multiplanar: multiplanar)).map { "\(path) buffer \(index) plane \($0)" } }
    }

    // MARK: Streaming sequence

    func testStreamingSequenceSinglePlanar() throws {
        try checkStreamingSequence(multiplanar: false)
    }

    func testStreamingSequenceMultiplanar() throws {
        try checkStreamingSequence(multiplanar: true)
    }

    private func checkStreamingSequence(multiplanar: Bool, file: StaticString = #filePath, line: UInt = #line) throws {
        let fake = FakeKernel()
        let camera = fake.addCamera(at: path, configuration: .init(multiplanar: multiplanar))
        do {
            let device = try VideoDevice.open(path, kernel: fake)
            XCTAssertEqual(fake.trace, openCalls(multiplanar: multiplanar), file: file, line: line)
            XCTAssertEqual(device.usesLibV4L2, !multiplanar, file: file, line: line)

            var mark = fake.callCount
            let stream = try CaptureStream(device: device, configuration: configuration(multiplanar: multiplanar))
            XCTAssertEqual(fake.trace(since: mark), setupCalls(multiplanar: multiplanar), file: file, line: line)
            XCTAssertEqual(stream.frameInterval, Fraction(numerator: 1, denominator: 25), file: file, line: line)
            XCTAssertEqual(camera.brightnessValue, 100, file: file, line: line)
            XCTAssertEqual(stream.format.planes.count, planeCount(multiplanar: multiplanar), file: file, line: line)
            XCTAssertEqual(fake.openDescriptorLabels, [path] + dmaBufLabels(multiplanar: multiplanar), file: file, line: line)
            // Each plane's dma-buf is that plane's buffer: its size is the
            // plane's image, page-aligned.
            let expectedSizes = multiplanar ? [307_200, 155_648] : [1_228_800]
            XCTAssertEqual(try stream.buffers[3].planes.map { try $0.dmabuf.size() }, expectedSizes, file: file, line: line)

            mark = fake.callCount
            try stream.start()
            XCTAssertEqual(fake.trace(since: mark), ["VIDIOC_QBUF 0", "VIDIOC_QBUF 1", "VIDIOC_QBUF 2", "VIDIOC_QBUF 3", "VIDIOC_STREAMON"], file: file, line: line)
            XCTAssertEqual(camera.queuedIndices, [0, 1, 2, 3], file: file, line: line)

            mark = fake.callCount
            XCTAssertEqual(camera.fill(count: 2), 2, file: file, line: line)
            let first = try XCTUnwrap(stream.dequeue(), file: file, line: line)
            let second = try XCTUnwrap(stream.dequeue(), file: file, line: line)
            try stream.queue(index: first.index)
            XCTAssertEqual(fake.trace(since: mark), ["VIDIOC_DQBUF -> 0", "VIDIOC_DQBUF -> 1", "VIDIOC_QBUF 0"], file: file, line: line)
            XCTAssertEqual([first.index, second.index], [0, 1], file: file, line: line)
            XCTAssertEqual([first.sequence, second.sequence], [0, 1], file: file, line: line)
            XCTAssertTrue(first.isMonotonic && second.isMonotonic, file: file, line: line)
            XCTAssertEqual(first.timestampSource, .startOfExposure, file: file, line: line)
            XCTAssertLessThan(first.timestampNanoseconds, second.timestampNanoseconds, file: file, line: line)
            XCTAssertEqual(Array(first.bytesUsed), stream.format.planes.map(\.sizeImage), file: file, line: line)
            XCTAssertEqual(camera.queuedIndices, [2, 3, 0], file: file, line: line)
            XCTAssertFalse(stream.isQueued(index: 1), file: file, line: line)

            mark = fake.callCount
            try stream.stop()
            let stopCalls = fake.trace(since: mark)
            // STREAMOFF, then the dma-bufs close (and nothing else), then
            // REQBUFS(0), then the control set goes back as found.
            XCTAssertEqual(stopCalls.first, "VIDIOC_STREAMOFF", file: file, line: line)
            XCTAssertEqual(stopCalls.suffix(2), ["VIDIOC_REQBUFS MMAP 0", "VIDIOC_S_EXT_CTRLS"], file: file, line: line)
            XCTAssertEqual(camera.brightnessValue, 128, "brightness put back as found", file: file, line: line)
            XCTAssertEqual(stopCalls.dropFirst().dropLast(2).sorted(), dmaBufLabels(multiplanar: multiplanar).map { "close \($0)" }.sorted(), file: file, line: line)
            XCTAssertEqual(fake.openDescriptorLabels, [path], file: file, line: line)
            XCTAssertEqual(camera.allocatedBufferCount, 0, file: file, line: line)
            XCTAssertFalse(camera.isStreaming, file: file, line: line)

            mark = fake.callCount
            try stream.stop()
            XCTAssertEqual(fake.callCount, mark, "a second stop issues nothing", file: file, line: line)
        }
        // Releasing the stream and device closes the node, through libv4l2
        // when it adopted it (a wrong close would be a violation).
        XCTAssertEqual(fake.trace.last, "close \(path)", file: file, line: line)
        XCTAssertTrue(fake.leakReport().isEmpty, fake.leakReport().description, file: file, line: line)
    }

    // MARK: Unplug

    func testStopAfterUnplugClosesEveryDescriptorAndThrowsNothing() throws {
        let fake = FakeKernel()
        let camera = fake.addCamera(at: path)
        do {
            let stream = try CaptureStream(device: try VideoDevice.open(path, kernel: fake), configuration: configuration(multiplanar: false))
            try stream.start()
            camera.fill(count: 1)
            XCTAssertNotNil(try stream.dequeue())

            camera.unplug()
            var entry = pollfd(fd: stream.fileDescriptor, events: Int16(POLLIN), revents: 0)
            XCTAssertEqual(fake.poll(&entry, 1, 0), 1)
            XCTAssertEqual(Int32(entry.revents), Int32(POLLERR | POLLHUP))
            XCTAssertThrowsError(try stream.dequeue()) { error in
                XCTAssertEqual(error as? DeviceError, DeviceError(call: "VIDIOC_DQBUF", errnoCode: ENODEV, device: path))
            }

            let mark = fake.callCount
            XCTAssertNoThrow(try stream.stop())
            let stopCalls = fake.trace(since: mark)
            XCTAssertEqual(stopCalls.first, "VIDIOC_STREAMOFF -> ENODEV")
            XCTAssertEqual(stopCalls.last, "VIDIOC_REQBUFS MMAP 0 -> ENODEV")
            XCTAssertEqual(stopCalls.dropFirst().dropLast().sorted(), dmaBufLabels(multiplanar: false).map { "close \($0)" }.sorted())
            XCTAssertEqual(fake.openDescriptorLabels, [path])
        }
        XCTAssertEqual(fake.openDescriptors, [])
        XCTAssertEqual(fake.violations, [])
    }

    /// A fatal driver error (vb2_queue_error): the descriptor polls POLLERR
    /// alone, DQBUF and QBUF fail with EIO, and stop still releases all.
    func testAFatalStreamingErrorFailsDequeueWithEIOAndStopReleasesEverything() throws {
        let fake = FakeKernel()
        let camera = fake.addCamera(at: path)
        do {
            let stream = try CaptureStream(device: try VideoDevice.open(path, kernel: fake), configuration: configuration(multiplanar: false))
            try stream.start()
            camera.fill(count: 1)
            let frame = try XCTUnwrap(stream.dequeue())
            camera.failStreaming()
            var entry = pollfd(fd: stream.fileDescriptor, events: Int16(POLLIN), revents: 0)
            XCTAssertEqual(fake.poll(&entry, 1, 0), 1)
            XCTAssertEqual(Int32(entry.revents), Int32(POLLERR))
            XCTAssertThrowsError(try stream.dequeue()) { error in
                XCTAssertEqual(error as? DeviceError, DeviceError(call: "VIDIOC_DQBUF", errnoCode: EIO, device: path))
            }
            XCTAssertThrowsError(try stream.queue(index: frame.index)) { error in
                XCTAssertEqual(error as? DeviceError, DeviceError(call: "VIDIOC_QBUF", errnoCode: EIO, device: path))
            }
            XCTAssertNoThrow(try stream.stop())
            XCTAssertEqual(fake.openDescriptorLabels, [path])
            XCTAssertEqual(camera.allocatedBufferCount, 0)
        }
        XCTAssertTrue(fake.leakReport().isEmpty, fake.leakReport().description)
    }

    // MARK: An error at every setup step

    func testAnErrorAtEverySetupStepSinglePlanar() throws {
        try checkErrorAtEverySetupStep(multiplanar: false)
    }

    func testAnErrorAtEverySetupStepMultiplanar() throws {
        try checkErrorAtEverySetupStep(multiplanar: true)
    }

    /// Runs the setup once cleanly, then again once per call it made, with
    /// that call failing (EIO): the error names the call, and afterwards no
    /// descriptor but the device's is open and the queue has no buffers.
    private func checkErrorAtEverySetupStep(multiplanar: Bool, file: StaticString = #filePath, line: UInt = #line) throws {
        let clean = FakeKernel()
        clean.addCamera(at: path, configuration: .init(multiplanar: multiplanar))
        var steps: [FakeCall] = []
        do {
            let device = try VideoDevice.open(path, kernel: clean)
            let stream = try CaptureStream(device: device, configuration: configuration(multiplanar: multiplanar))
            steps = clean.callLog
            withExtendedLifetime(stream) {}
        }
        XCTAssertEqual(steps.map(\.text), openCalls(multiplanar: multiplanar) + setupCalls(multiplanar: multiplanar), file: file, line: line)

        for (index, step) in steps.enumerated() {
            let context = "step \(index) (\(step.text))"
            let fake = FakeKernel()
            let camera = fake.addCamera(at: path, configuration: .init(multiplanar: multiplanar))
            fake.fail(step.name, errno: EIO, occurrence: step.occurrence)
            var device: VideoDevice?
            do {
                let opened = try VideoDevice.open(path, kernel: fake)
                device = opened
                _ = try CaptureStream(device: opened, configuration: configuration(multiplanar: multiplanar))
                XCTFail("\(context): setup succeeded", file: file, line: line)
            } catch let error as DeviceError {
                XCTAssertEqual(error, DeviceError(call: step.name, errnoCode: EIO, device: path), context, file: file, line: line)
            } catch {
                XCTFail("\(context): \(error)", file: file, line: line)
            }
            XCTAssertEqual(fake.openDescriptorLabels, device == nil ? [] : [path], context, file: file, line: line)
            XCTAssertEqual(camera.allocatedBufferCount, 0, context, file: file, line: line)
            let trace = fake.trace
            if let granted = trace.firstIndex(of: "VIDIOC_REQBUFS MMAP 4") {
                XCTAssertNotNil(trace[granted...].firstIndex(of: "VIDIOC_REQBUFS MMAP 0"), "\(context): buffers were requested but not freed", file: file, line: line)
            }
            device = nil
            XCTAssertTrue(fake.leakReport().isEmpty, "\(context): \(fake.leakReport())", file: file, line: line)
        }
    }

    // MARK: Queue edge cases

    func testDequeueOfAnEmptyQueueIsNilAndQueuingTwiceIsRefused() throws {
        let fake = FakeKernel()
        let camera = fake.addCamera(at: path)
        let stream = try CaptureStream(device: try VideoDevice.open(path, kernel: fake), configuration: configuration(multiplanar: false))
        try stream.start()

        var mark = fake.callCount
        XCTAssertNil(try stream.dequeue())
        XCTAssertEqual(fake.trace(since: mark), ["VIDIOC_DQBUF -> EAGAIN"])

        // The stream refuses before asking the kernel...
        mark = fake.callCount
        XCTAssertThrowsError(try stream.queue(index: 2)) { error in
            XCTAssertEqual(error as? CaptureError, .bufferAlreadyQueued(device: path, index: 2))
        }
        XCTAssertEqual(fake.callCount, mark, "refused without a call")
        XCTAssertEqual(stream.queuedBufferCount, 4, "nothing changed")

        // A damaged frame is reported and can be queued again.
        camera.fill(count: 1, error: true)
        let frame = try XCTUnwrap(stream.dequeue())
        XCTAssertTrue(frame.hasError)
        try stream.queue(index: frame.index)
        XCTAssertEqual(stream.queuedBufferCount, 4)
    }

    // MARK: Imported buffers

    /// DMABUF import: the borrowed descriptors are duplicated at setup, each
    /// QBUF carries them, and stop closes the duplicates only.
    func testImportedBuffersAreDuplicatedQueuedAndReleased() throws {
        let fake = FakeKernel()
        let camera = fake.addCamera(at: path)
        let size = 640 * 480 * 4
        let borrowed = (0..<3).map { fake.makeDmaBuf(size: size, label: "dumb \($0)") }
        do {
            let stream = try CaptureStream(
                device: try VideoDevice.open(path, kernel: fake), configuration: configuration(multiplanar: false),
                importing: borrowed.map { [ImportedPlane(fd: $0, length: UInt32(size))] })
            XCTAssertEqual(stream.memory, .imported)
            XCTAssertEqual(camera.memoryName, "DMABUF")
            XCTAssertEqual(fake.trace.filter { $0.hasPrefix("fcntl") }, ["fcntl(F_DUPFD_CLOEXEC) dumb 0 -> 5004", "fcntl(F_DUPFD_CLOEXEC) dumb 1 -> 5005", "fcntl(F_DUPFD_CLOEXEC) dumb 2 -> 5006"])
            XCTAssertEqual(fake.trace.last, "VIDIOC_REQBUFS DMABUF 3")
            try stream.start()
            camera.fill(count: 1)
            XCTAssertEqual(try stream.dequeue()?.index, 0)

            let mark = fake.callCount
            try stream.stop()
            XCTAssertEqual(fake.trace(since: mark), ["VIDIOC_STREAMOFF", "close dumb 0", "close dumb 1", "close dumb 2", "VIDIOC_REQBUFS DMABUF 0",
                                                    "VIDIOC_S_EXT_CTRLS"], "brightness is put back last")
        }
        XCTAssertEqual(fake.openDescriptors, borrowed, "the caller's own descriptors stay open")
        for descriptor in borrowed { _ = fake.close(descriptor, backend: .system) }
        XCTAssertTrue(fake.leakReport().isEmpty, fake.leakReport().description)
    }
}
