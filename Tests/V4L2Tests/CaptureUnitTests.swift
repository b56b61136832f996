import CV4L2
import Foundation
import Platform
import V4L2
import XCTest

#if canImport(Glibc)
import Glibc
#endif

final class CaptureControlNameTests: XCTestCase {
    private let controls = [
        ControlInfo(id: 0x0098_0900, name: "Brightness", type: .integer, minimum: 0, maximum: 255, defaultValue: 128),
        ControlInfo(id: 0x00f0_f018, name: "Timestamp Source", type: .menu, minimum: 0, maximum: 1),
        ControlInfo(id: 0x00f0_f01d, name: "Limited RGB Range (16-235)", type: .boolean, minimum: 0, maximum: 1),
        ControlInfo(id: 0x00f0_f041, name: "Disconnect", type: .button, minimum: 0, maximum: 0, flags: [.writeOnly, .executeOnWrite]),
        ControlInfo(id: 0x0098_f90c, name: "Read-Only Integer 32 Bits", type: .integer, minimum: 0, maximum: 255, flags: .readOnly),
        ControlInfo(id: 0x0098_f905, name: "String", type: .string, minimum: 2, maximum: 4),
        ControlInfo(id: 0x0098_f906, name: "Bitmask", type: .bitmask, minimum: 0, maximum: 0x8040_2010),
    ]

    func testKeysFoldCaseAndPunctuationLikeV4L2Ctl() {
        XCTAssertEqual(ControlInfo.key(for: "Timestamp Source"), "timestamp_source")
        XCTAssertEqual(ControlInfo.key(for: "Limited RGB Range (16-235)"), "limited_rgb_range_16_235")
        XCTAssertEqual(ControlInfo.key(for: "  Gain, Automatic "), "gain_automatic")
        XCTAssertEqual(ControlInfo.key(for: "timestamp__source_"), "timestamp_source")
        XCTAssertEqual(ControlInfo.key(for: "Percentage of Dropped Buffers"), "percentage_of_dropped_buffers")
    }

    func testNamesMatchWithoutRegardToCaseSpacesAndUnderscores() throws {
        for spelling in ["timestamp_source", "Timestamp Source", "TIMESTAMP SOURCE", "timestamp-source", " Timestamp_Source "] {
            XCTAssertEqual(try ControlInfo.find(spelling, in: controls, device: "/dev/video0").id, 0x00f0_f018, spelling)
        }
        XCTAssertEqual(try ControlInfo.find("limited_rgb_range_16_235", in: controls, device: "/dev/video0").id, 0x00f0_f01d)
    }

    func testUnknownNameListsTheAvailableNames() {
        XCTAssertThrowsError(try ControlInfo.find("timestamp", in: controls, device: "/dev/video0")) { error in
            guard case .unknownControl(let device, let name, let available) = error as? CaptureError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(device, "/dev/video0")
            XCTAssertEqual(name, "timestamp")
            XCTAssertEqual(available.first, "brightness")
            XCTAssertEqual("\(error)", "/dev/video0 has no control named \"timestamp\"; available controls: brightness, timestamp_source, limited_rgb_range_16_235, disconnect, read_only_integer_32_bits, string, bitmask")
            XCTAssertEqual((error as? UserFacingError)?.category, .invalidRequest)
        }
        XCTAssertThrowsError(try ControlInfo.find("", in: controls, device: "/dev/video0"))
        XCTAssertThrowsError(try ControlInfo.find("___", in: controls, device: "/dev/video0"))
    }

    func testOutOfRangeValueNamesMinimumAndMaximum() throws {
        let source = try ControlInfo.find("timestamp_source", in: controls, device: "/dev/video0")
        XCTAssertNoThrow(try source.validate(1, device: "/dev/video0"))
        XCTAssertThrowsError(try source.validate(2, device: "/dev/video0")) { error in
            XCTAssertEqual(error as? CaptureError, .controlValueOutOfRange(
                device: "/dev/video0", control: "timestamp_source", value: 2, minimum: 0, maximum: 1))
            XCTAssertEqual("\(error)", "/dev/video0: 2 is out of range for control \"timestamp_source\" (minimum 0, maximum 1)")
        }
        XCTAssertThrowsError(try source.validate(-1, device: "/dev/video0"))
    }

    func testButtonsTakeAnyValueAndReadOnlyOrStringControlsAreRefused() throws {
        let button = try ControlInfo.find("disconnect", in: controls, device: "/dev/video0")
        XCTAssertNoThrow(try button.validate(0, device: "/dev/video0"))
        XCTAssertNoThrow(try button.validate(12345, device: "/dev/video0"))
        let readOnly = try ControlInfo.find("read_only_integer_32_bits", in: controls, device: "/dev/video0")
        XCTAssertThrowsError(try readOnly.validate(1, device: "/dev/video0")) { error in
            XCTAssertEqual(error as? CaptureError, .controlReadOnly(device: "/dev/video0", control: "read_only_integer_32_bits"))
        }
        let string = try ControlInfo.find("string", in: controls, device: "/dev/video0")
        XCTAssertThrowsError(try string.validate(1, device: "/dev/video0")) { error in
            XCTAssertEqual(error as? CaptureError, .controlTypeNotSupported(device: "/dev/video0", control: "string", type: "str"))
        }
    }

    func testBitmaskAcceptsOnlyItsBits() throws {
        let bitmask = try ControlInfo.find("bitmask", in: controls, device: "/dev/video0")
        XCTAssertNoThrow(try bitmask.validate(0x8000_2000, device: "/dev/video0"))
        XCTAssertNoThrow(try bitmask.validate(0, device: "/dev/video0"))
        XCTAssertThrowsError(try bitmask.validate(0x1, device: "/dev/video0"))
        XCTAssertThrowsError(try bitmask.validate(-1, device: "/dev/video0"))
    }

    func testControlTypeDecoding() {
        XCTAssertEqual(ControlType(kernelValue: V4L2_CTRL_TYPE_INTEGER.rawValue), .integer)
        XCTAssertEqual(ControlType(kernelValue: V4L2_CTRL_TYPE_BUTTON.rawValue), .button)
        XCTAssertEqual(ControlType(kernelValue: V4L2_CTRL_TYPE_CTRL_CLASS.rawValue), .controlClass)
        XCTAssertEqual(ControlType(kernelValue: V4L2_CTRL_TYPE_U8.rawValue), .other(V4L2_CTRL_TYPE_U8.rawValue))
        XCTAssertFalse(ControlType.other(0x100).holdsOneInteger)
        var raw = v4l2_query_ext_ctrl()
        raw.id = 0x00f0_f018
        raw.type = V4L2_CTRL_TYPE_MENU.rawValue
        raw.maximum = 1
        withUnsafeMutableBytes(of: &raw.name) { bytes in
            for (offset, byte) in "Timestamp Source".utf8.enumerated() { bytes[offset] = byte }
        }
        let info = ControlInfo(raw)
        XCTAssertEqual(info.name, "Timestamp Source")
        XCTAssertEqual(info.key, "timestamp_source")
        XCTAssertEqual(info.type, .menu)
        XCTAssertEqual(info.maximum, 1)
    }
}

final class CaptureFormatTests: XCTestCase {
    func testFormatMismatchMessageNamesBothFormatsAndTheAlternatives() {
        let error = CaptureError.formatNotOffered(
            device: "/dev/video0",
            requested: FrameFormat(fourcc: FourCC("NV12")!, width: 640, height: 480),
            offered: FrameFormat(fourcc: FourCC("YUYV")!, width: 640, height: 480),
            available: [FourCC("YUYV")!, FourCC("XR24")!])
        XCTAssertEqual(error.description,
                       "/dev/video0 cannot capture 'NV12' 640x480: the driver offers 'YUYV' 640x480 instead; available formats: 'YUYV', 'XR24'")
        XCTAssertEqual(error.category, .invalidRequest)
    }

    func testSinglePlanarLayoutHasOneMemoryPlane() throws {
        var raw = v4l2_format()
        raw.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        raw.fmt.pix.pixelformat = FourCC("NV12")!.rawValue
        raw.fmt.pix.width = 640
        raw.fmt.pix.height = 480
        raw.fmt.pix.bytesperline = 640
        raw.fmt.pix.sizeimage = 460_800
        let format = try XCTUnwrap(CaptureFormat(raw))
        XCTAssertEqual(format.bufferType, .singlePlanar)
        XCTAssertEqual(format.frameFormat, FrameFormat(fourcc: FourCC("NV12")!, width: 640, height: 480))
        XCTAssertEqual(format.planes, [CapturePlaneFormat(bytesPerLine: 640, sizeImage: 460_800)])
    }

    func testMultiplanarLayoutHonoursPlaneCountAndPitches() throws {
        var raw = v4l2_format()
        raw.type = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE.rawValue
        raw.fmt.pix_mp.pixelformat = FourCC("NM12")!.rawValue
        raw.fmt.pix_mp.width = 640
        raw.fmt.pix_mp.height = 480
        raw.fmt.pix_mp.num_planes = 2
        raw.fmt.pix_mp.plane_fmt.0.bytesperline = 704
        raw.fmt.pix_mp.plane_fmt.0.sizeimage = 337_920
        raw.fmt.pix_mp.plane_fmt.1.bytesperline = 768
        raw.fmt.pix_mp.plane_fmt.1.sizeimage = 184_320
        raw.fmt.pix_mp.plane_fmt.2.bytesperline = 999  // beyond num_planes: ignored
        let format = try XCTUnwrap(CaptureFormat(raw))
        XCTAssertEqual(format.bufferType, .multiplanar)
        XCTAssertEqual(format.fourcc, FourCC("NM12"))
        XCTAssertEqual(format.planes, [
            CapturePlaneFormat(bytesPerLine: 704, sizeImage: 337_920),
            CapturePlaneFormat(bytesPerLine: 768, sizeImage: 184_320),
        ])
    }

    func testMultiplanarPlaneCountIsCappedAtTheKernelMaximum() throws {
        var raw = v4l2_format()
        raw.type = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE.rawValue
        raw.fmt.pix_mp.num_planes = 200
        XCTAssertEqual(try XCTUnwrap(CaptureFormat(raw)).planes.count, StreamingLimits.planeCount)
    }

    func testOtherBufferTypesAreNotCaptureFormats() {
        var raw = v4l2_format()
        raw.type = V4L2_BUF_TYPE_VIDEO_OUTPUT.rawValue
        XCTAssertNil(CaptureFormat(raw))
    }
}

final class CaptureTimestampTests: XCTestCase {
    func testTimestampFlagDecoding() {
        let monotonic = UInt32(V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC)
        let startOfExposure = UInt32(V4L2_BUF_FLAG_TSTAMP_SRC_SOE)
        XCTAssertEqual(monotonic, 0x2000)
        XCTAssertEqual(startOfExposure, 0x1_0000)
        XCTAssertEqual(TimestampSource(bufferFlags: 0x2000), .endOfFrame)
        XCTAssertEqual(TimestampSource(bufferFlags: 0x1_2000), .startOfExposure)
        XCTAssertEqual(TimestampSource(bufferFlags: 0x2_0000), .unknown)
        XCTAssertEqual(TimestampClock(bufferFlags: 0x1_2001), .monotonic)
        XCTAssertEqual(TimestampClock(bufferFlags: 0x4000), .copy)
        XCTAssertEqual(TimestampClock(bufferFlags: 0), .unknown)
        XCTAssertEqual(TimestampClock(bufferFlags: 0x6000), .unknown)
    }

    func testFrameDecodesFlagsAndTime() {
        let flags = UInt32(V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC | V4L2_BUF_FLAG_TSTAMP_SRC_SOE | V4L2_BUF_FLAG_ERROR | V4L2_BUF_FLAG_DONE)
        let frame = CapturedFrame(
            index: 2, sequence: 7, timestampNanoseconds: CapturedFrame.nanoseconds(from: timeval(tv_sec: 3, tv_usec: 250)),
            flags: flags, bytesUsed: PlaneValues([100, 50]), dataOffsets: PlaneValues([0, 0]))
        XCTAssertEqual(frame.timestampNanoseconds, 3_000_250_000)
        XCTAssertTrue(frame.isMonotonic)
        XCTAssertEqual(frame.timestampSource, .startOfExposure)
        XCTAssertTrue(frame.hasError)
        XCTAssertEqual(Array(frame.bytesUsed), [100, 50])
        let clean = CapturedFrame(index: 0, sequence: 0, timestampNanoseconds: 0, flags: 0,
                                  bytesUsed: PlaneValues(), dataOffsets: PlaneValues())
        XCTAssertFalse(clean.hasError)
        XCTAssertFalse(clean.isMonotonic)
        XCTAssertEqual(clean.timestampSource, .endOfFrame)
    }

    func testPlaneValuesHoldAtMostEightValues() {
        var values = PlaneValues()
        for value in 0..<10 { values.append(UInt32(value)) }
        XCTAssertEqual(values.count, 8)
        XCTAssertEqual(Array(values), [0, 1, 2, 3, 4, 5, 6, 7])
        XCTAssertEqual(values, PlaneValues([0, 1, 2, 3, 4, 5, 6, 7]))
        XCTAssertNotEqual(values, PlaneValues([0, 1]))
        XCTAssertEqual(PlaneValues([1, 2]).description, "[1, 2]")
    }
}

final class CaptureDmaBufTests: XCTestCase {
    private func isOpen(_ fd: Int32) -> Bool { fcntl(fd, F_GETFD) != -1 }

    /// A fresh temporary file of `size` bytes, opened close-on-exec (a
    /// stand-in for a dma-buf: ownership and size work the same way).
    private func temporaryFile(size: Int) throws -> Int32 {
        let path = NSTemporaryDirectory() + "framepipe-dmabuf-\(UUID().uuidString)"
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(count: size)))
        defer { unlink(path) }
        let fd = open(path, O_RDWR | O_CLOEXEC)
        XCTAssertGreaterThanOrEqual(fd, 0)
        return fd
    }

    func testDmaBufClosesItsDescriptorWhenTheLastReferenceGoes() throws {
        let raw = try temporaryFile(size: 0)
        var shared: DmaBuf? = DmaBuf(adopting: raw, origin: "test file")
        var second = shared
        XCTAssertEqual(shared?.rawValue, raw)
        shared = nil
        XCTAssertTrue(isOpen(raw), "another reference still holds it")
        withExtendedLifetime(second) {}
        second = nil
        XCTAssertFalse(isOpen(raw))
    }

    func testDuplicatingLeavesTheCallerFreeToClose() throws {
        let raw = try temporaryFile(size: 4096)
        let copy = try DmaBuf.duplicating(raw, origin: "copy")
        XCTAssertNotEqual(copy.rawValue, raw)
        close(raw)
        XCTAssertTrue(isOpen(copy.rawValue))
        XCTAssertEqual(try copy.size(), 4096)
        XCTAssertNotEqual(fcntl(copy.rawValue, F_GETFD) & FD_CLOEXEC, 0, "close-on-exec")
        XCTAssertThrowsError(try DmaBuf.duplicating(-1, origin: "nothing")) { error in
            XCTAssertEqual((error as? DeviceError)?.call, "fcntl(F_DUPFD_CLOEXEC)")
        }
    }

    func testCaptureErrorExitStatuses() {
        XCTAssertEqual(CaptureError.tooFewBuffers(device: "/dev/video0", requested: 4, granted: 1).category, .unavailable)
        XCTAssertEqual(CaptureError.tooFewBuffers(device: "/dev/video0", requested: 4, granted: 1).description,
                       "/dev/video0 granted 1 of 4 requested buffers; streaming needs at least 2")
        XCTAssertEqual(CaptureError.bufferAlreadyQueued(device: "/dev/video0", index: 1).category, .internalError)
        XCTAssertEqual(CaptureError.importedPlaneTooSmall(device: "/dev/video4", buffer: 0, plane: 1, length: 10, needed: 20).description,
                       "/dev/video4: imported buffer 0 plane 1 has 10 bytes; the format needs 20")
    }
}
