import CKernelShim
import Foundation
import Platform
import XCTest

final class OwnedFDTests: XCTestCase {
    private func openDescriptorCount() throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
    }

    func testClosesExactlyOnceWhenReleased() throws {
        let before = try openDescriptorCount()
        var number: Int32 = -1
        do {
            let fd = try OwnedFD.open("/dev/null")
            number = fd.rawValue
            XCTAssertEqual(try openDescriptorCount(), before + 1)
        }
        XCTAssertEqual(try openDescriptorCount(), before)
        // The number is really closed: fcntl on it fails with EBADF.
        XCTAssertEqual(fcntl(number, F_GETFD), -1)
        XCTAssertEqual(errno, EBADF)
    }

    func testTakeGivesUpOwnership() throws {
        let fd = try OwnedFD.open("/dev/null")
        let number = fd.take()
        XCTAssertNotEqual(fcntl(number, F_GETFD), -1, "take() must not close")
        close(number)
    }

    func testOpenMissingPathNamesPathAndCall() {
        XCTAssertThrowsError(try OwnedFD.open("/nonexistent/video9").take()) { error in
            guard let error = error as? DeviceError else { return XCTFail("wrong error \(error)") }
            XCTAssertEqual(error.call, "open")
            XCTAssertEqual(error.device, "/nonexistent/video9")
            XCTAssertEqual(error.category, .notFound)
            XCTAssertTrue(error.description.contains("ENOENT"), error.description)
            XCTAssertFalse(error.description.contains("\n"))
        }
    }

    func testOpenIsCloseOnExec() throws {
        let fd = try OwnedFD.open("/dev/null")
        XCTAssertEqual(fcntl(fd.rawValue, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC)
    }
}

final class IoctlFunnelTests: XCTestCase {
    func testErrnoBecomesTypedErrorNamingIoctlAndDevice() throws {
        let fd = try OwnedFD.open("/dev/null")
        var argument = [UInt8](repeating: 0, count: 104)
        XCTAssertThrowsError(try fd.ioctl(IoctlRequest("VIDIOC_QUERYCAP", fp_VIDIOC_QUERYCAP), &argument)) { error in
            guard let error = error as? DeviceError else { return XCTFail("wrong error \(error)") }
            XCTAssertEqual(error.call, "VIDIOC_QUERYCAP")
            XCTAssertEqual(error.device, "/dev/null")
            XCTAssertEqual(error.errno.rawValue, ENOTTY)
            XCTAssertEqual(error.category, .unavailable)
            XCTAssertEqual(error.description, "/dev/null: VIDIOC_QUERYCAP failed: Inappropriate ioctl for device (ENOTTY)")
        }
    }

    func testCheckedCallMapsNegativeErrnoReturn() {
        XCTAssertThrowsError(try checkedCall("drmModeGetResources", device: "/dev/dri/card9") { -EBUSY }) { error in
            guard let error = error as? DeviceError else { return XCTFail("wrong error \(error)") }
            XCTAssertEqual(error.errno.rawValue, EBUSY)
            XCTAssertEqual(error.call, "drmModeGetResources")
            XCTAssertEqual(error.category, .unavailable)
        }
        XCTAssertEqual(try checkedCall("x", device: "d") { 7 }, 7)
    }

    func testCheckedCallRetriesEINTR() throws {
        var calls = 0
        let result = try checkedCall("x", device: "d") {
            calls += 1
            if calls < 3 { errno = EINTR; return -1 }
            return 0
        }
        XCTAssertEqual(result, 0)
        XCTAssertEqual(calls, 3)
    }
}

final class DeviceNodeTests: XCTestCase {
    func testKinds() throws {
        XCTAssertEqual(try DeviceNodeKind.of("/dev/null"), .otherCharacterDevice(major: 1))
        XCTAssertEqual(try DeviceNodeKind.of("/"), .directory)
        XCTAssertEqual(try DeviceNodeKind.of("/etc/hostname"), .regularFile)
        XCTAssertThrowsError(try DeviceNodeKind.of("/no/such/node")) { error in
            XCTAssertEqual((error as? DeviceError)?.category, .notFound)
        }
    }

    func testNumberedNodesAreSortedNumerically() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fp-nodes-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["video10", "video2", "videox", "card0", "video0"] {
            _ = FileManager.default.createFile(atPath: dir.appendingPathComponent(name).path, contents: nil)
        }
        XCTAssertEqual(numberedDeviceNodes(in: dir.path, prefix: "video").map { ($0 as NSString).lastPathComponent },
                       ["video0", "video2", "video10"])
    }
}

final class FourCCTests: XCTestCase {
    func testPackingIsLittleEndianFirstCharacterLowest() {
        XCTAssertEqual(FourCC("XR24")?.rawValue, 0x3432_5258)
        XCTAssertEqual(FourCC("XR24")?.rawValue, fp_V4L2_PIX_FMT_XBGR32)
        XCTAssertEqual(FourCC(rawValue: fp_DRM_FORMAT_NV12).description, "NV12")
    }

    func testRejectsWrongLength() {
        XCTAssertNil(FourCC("XR2"))
        XCTAssertNil(FourCC("XR245"))
        XCTAssertNil(FourCC("XR\u{1}4"))
    }

    func testBigEndianFlagShown() {
        XCTAssertEqual(FourCC(rawValue: 0x8000_0000 | 0x3432_5258).description, "XR24-BE")
        // What description writes, the parser reads back: JSON round-trips.
        XCTAssertEqual(FourCC("XR24-BE"), FourCC(rawValue: 0x8000_0000 | 0x3432_5258))
        let both = [FourCC(rawValue: 0x3432_5258), FourCC(rawValue: 0x8000_0000 | 0x3432_5258)]
        XCTAssertEqual(try JSONDecoder().decode([FourCC].self, from: JSONEncoder().encode(both)), both)
        XCTAssertNil(FourCC("XR2-BE"))
        XCTAssertNil(FourCC("XR24-LE"))
    }

    func testCodableAsString() throws {
        let data = try JSONEncoder().encode([FourCC("YUYV")])
        XCTAssertEqual(String(decoding: data, as: UTF8.self), "[\"YUYV\"]")
        XCTAssertEqual(try JSONDecoder().decode([FourCC].self, from: data), [FourCC("YUYV")])
        XCTAssertThrowsError(try JSONDecoder().decode([FourCC].self, from: Data("[\"TOOLONG\"]".utf8)))
    }
}
