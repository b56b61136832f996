import KMS
import Platform
import TestSupport
import V4L2
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// "auto" for the camera and the display, on the fake kernel: nodes that are
/// not what we look for are passed over, but a node we may not open is
/// reported as a permission problem (exit 77), never as "nothing found".
final class DiscoveryFakeKernelTests: XCTestCase {
    func testACardThatRefusesAccessIsPassedOverWhenAnotherCardHasADisplay() throws {
        let fake = FakeKernel()
        _ = fake.addCard(at: "/dev/dri/card0")
        _ = fake.addCard(at: "/dev/dri/card1")
        fake.denyAccess(to: "/dev/dri/card0")
        let (card, info) = try Card.openFirstWithDisplay(kernel: fake)
        XCTAssertEqual(card.path, "/dev/dri/card1")
        XCTAssertEqual(info.path, "/dev/dri/card1")
    }

    func testACardThatRefusesAccessIsThePermissionErrorWhenNoOtherCardHasADisplay() throws {
        let fake = FakeKernel()
        _ = fake.addCard(at: "/dev/dri/card0")
        fake.denyAccess(to: "/dev/dri/card0")
        XCTAssertThrowsError(try Card.openFirstWithDisplay(kernel: fake)) { error in
            let failure = error as? DeviceError
            XCTAssertEqual(failure?.device, "/dev/dri/card0")
            XCTAssertEqual(failure?.errnoCode, EACCES)
            XCTAssertEqual(failure?.category, .permissionDenied, "exit 77, not 66")
            XCTAssertTrue("\(error)".hasPrefix("/dev/dri/card0: open failed: Permission denied (EACCES)"), "\(error)")
        }
        XCTAssertTrue(fake.openDescriptors.isEmpty)
    }

    func testNoCardAtAllIsNotFoundNamingWhereItLooked() throws {
        let fake = FakeKernel()
        XCTAssertThrowsError(try Card.openFirstWithDisplay(kernel: fake)) { error in
            XCTAssertEqual(error as? KMSError, .noDisplayCard(tried: []))
            XCTAssertEqual((error as? KMSError)?.category, .notFound)
            XCTAssertEqual("\(error)", "no DRM card with a connected display found (tried nothing: no /dev/dri/card* nodes exist); name one with sink.card or --card")
        }
    }

    func testACameraThatRefusesAccessIsPassedOverOrReported() throws {
        let fake = FakeKernel()
        _ = fake.addCamera(at: "/dev/video0")
        _ = fake.addCamera(at: "/dev/video1")
        fake.denyAccess(to: "/dev/video0")
        XCTAssertEqual(try VideoDevice.openFirstCaptureDevice(kernel: fake).path, "/dev/video1")

        let alone = FakeKernel()
        _ = alone.addCamera(at: "/dev/video0")
        alone.denyAccess(to: "/dev/video0")
        XCTAssertThrowsError(try VideoDevice.openFirstCaptureDevice(kernel: alone)) { error in
            XCTAssertEqual((error as? DeviceError)?.device, "/dev/video0")
            XCTAssertEqual((error as? DeviceError)?.category, .permissionDenied)
        }
        XCTAssertTrue(alone.openDescriptors.isEmpty)
    }

    func testNoCameraIsNotFoundListingTheNodesTried() throws {
        let fake = FakeKernel()
        XCTAssertThrowsError(try VideoDevice.openFirstCaptureDevice(kernel: fake)) { error in
            XCTAssertEqual(error as? V4L2Error, .noCaptureDevice(tried: []))
            XCTAssertEqual((error as? V4L2Error)?.category, .notFound)
        }
    }
}
