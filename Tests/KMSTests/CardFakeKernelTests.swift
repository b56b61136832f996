import KMS
import Platform
import TestSupport
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// The card against the fake kernel: what the kernel refuses on its own
/// (a non-blocking commit over one in flight), waiting for events, and a
/// display closed after the card went away.
final class CardFakeKernelTests: XCTestCase {
    typealias Rig = FakeDisplayRig

    func testCardDescriptionMatchesTheFakeVkms() throws {
        let rig = Rig()
        let card = try rig.openCard()
        XCTAssertEqual(card.driver.name, "fakedrm")
        XCTAssertEqual(card.capabilities, CardCapabilities(
            dumbBuffer: true, primeImport: true, primeExport: true, timestampMonotonic: true, crtcInVblankEvent: true,
            atomic: true, universalPlanes: true, writebackConnectors: true))
        let info = try card.describe()
        XCTAssertEqual(info.connectors.map(\.name), ["Virtual-1"])
        XCTAssertEqual(info.connectors.first?.modes.map(\.description), ["1024x768@60.004Hz (preferred)", "640x480@59.94Hz"])
        XCTAssertEqual(info.planes.map(\.type), [.primary, .overlay])
        XCTAssertEqual(info.crtcs.first?.framebuffer, FramebufferID(FakeCard.consoleFramebufferID))
        XCTAssertEqual(rig.fake.outstandingLibdrmAllocations, 0, "every libdrm object freed")
    }

    func testANonBlockingCommitOverOneInFlightIsBusy() throws {
        let rig = Rig()
        let (card, display, framebuffer, frame) = try rig.displayWithAFlipInFlight()

        var flip = AtomicRequest()
        flip.set(PlaneID(FakeCard.overlayPlaneID), PropertyID(2), to: UInt64(framebuffer.rawValue))
        XCTAssertThrowsError(try card.commit(flip, flags: .pageFlip)) { error in
            XCTAssertEqual((error as? DeviceError)?.errnoCode, EBUSY)
        }
        // Waiting lets the vblank happen: the flip completes and its event arrives.
        var tags: [UInt32] = []
        XCTAssertEqual(try display.waitForEvents(timeoutMilliseconds: 1_000) { tags.append($0.tag) }, 1)
        XCTAssertEqual(tags, [1])
        XCTAssertNoThrow(try card.commit(flip, flags: .pageFlip))
        withExtendedLifetime(frame) {}
    }

    /// After an unplug every call fails with ENODEV, which teardown takes
    /// as "the kernel let go of everything": close reports nothing.
    func testCloseAfterTheCardIsUnpluggedReportsNothing() throws {
        let rig = Rig()
        do {
            let (card, display, _, frame) = try rig.displayWithAFlipInFlight()
            defer { withExtendedLifetime((card, frame)) {} }

            rig.fakeCard.unplug()
            var entry = pollfd(fd: display.fileDescriptor, events: Int16(POLLIN), revents: 0)
            XCTAssertEqual(rig.fake.poll(&entry, 1, 0), 1)
            XCTAssertEqual(Int32(entry.revents), Int32(POLLERR | POLLHUP))
            let mark = rig.fake.callCount
            XCTAssertEqual(display.close().map { "\($0)" }, [])
            XCTAssertEqual(display.state, .closed)
            // Every call teardown makes (the flip's event, the restore, the
            // blob, framebuffer, GEM handle and master) fails with ENODEV,
            // and none is left out.
            XCTAssertEqual(rig.fake.trace(since: mark), [
                "drmHandleEvent -> ENODEV", "DRM_IOCTL_MODE_ATOMIC ALLOW_MODESET -> ENODEV", "DRM_IOCTL_MODE_ATOMIC ALLOW_MODESET -> ENODEV",
                "drmModeDestroyPropertyBlob 41 -> ENODEV", "drmModeRmFB 40 -> ENODEV", "DRM_IOCTL_GEM_CLOSE 1 -> ENODEV", "drmDropMaster -> ENODEV",
            ])
        }
        XCTAssertEqual(rig.fake.openDescriptors, [])
        XCTAssertEqual(rig.fake.outstandingLibdrmAllocations, 0)
        XCTAssertEqual(rig.fake.violations, [])
    }
}
