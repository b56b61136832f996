import KMS
import Platform
import TestSupport
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// Dumb buffers against the fake kernel: allocation, mapping, PRIME export
/// and re-import as the same GEM handle, and release.
final class DumbBufferFakeKernelTests: XCTestCase {
    typealias Rig = FakeDisplayRig

    func testExportedDumbBufferImportsAsItsOwnHandleAndEverythingIsReleased() throws {
        let rig = Rig()
        do {
            let card = try rig.openCard()
            let display = try Display(card: card, selection: Rig.selection())
            let buffer = try card.createDumbBuffer(width: 640, height: 480)
            XCTAssertEqual(rig.fake.trace.last, "DRM_IOCTL_MODE_CREATE_DUMB 640x480x32 -> \(buffer.handle)")
            XCTAssertEqual(buffer.pitch, 2560)
            XCTAssertEqual(buffer.size, 1_228_800)

            // Mapped memory is real, zeroed, and the same bytes on every read.
            let bytes = try buffer.mappedBytes()
            XCTAssertTrue(bytes.allSatisfy { $0 == 0 })
            bytes.storeBytes(of: 0x00ff_8040 as UInt32, toByteOffset: 2560 + 4, as: UInt32.self)
            XCTAssertEqual(try buffer.copyBytes()[2560 + 4], 0x40)

            do {
                let exported = DmaBuf(try buffer.exportDmaBuf())
                XCTAssertTrue(rig.fake.openDescriptors.contains(exported.rawValue))
                XCTAssertEqual(try exported.size(), buffer.size)
            }
            // The exported descriptor was closed through the fake: it
            // belongs to the card's kernel, as every derived descriptor does.
            XCTAssertEqual(rig.fake.openDescriptorLabels, [Rig.cardPath])

            let exported = DmaBuf(try buffer.exportDmaBuf())
            let framebuffer = try display.importFramebuffer(buffer.layout(format: Rig.xrgb8888, dmaBufDescriptor: exported.rawValue))
            XCTAssertEqual(rig.fake.trace.last { $0.hasPrefix("drmPrimeFDToHandle") }?.hasSuffix("-> \(buffer.handle)"), true,
                           "a dma-buf the card exported imports as the exporter's handle")
            XCTAssertEqual(rig.fakeCard.openGEMHandleCount, 1)
            XCTAssertEqual(card.openGEMHandleCount, 1)

            try display.show(framebuffer: framebuffer, tag: 0)
            XCTAssertEqual(try display.handleEvents { _ in }, 1)
            XCTAssertEqual(display.close().count, 0)
            // The framebuffer's reference went; the buffer still holds the handle.
            XCTAssertEqual(rig.fakeCard.openGEMHandleCount, 1)
            XCTAssertFalse(rig.fake.trace.contains { $0.hasPrefix("DRM_IOCTL_GEM_CLOSE") })
            withExtendedLifetime(exported) {}
        }
        let trace = rig.fake.trace
        XCTAssertTrue(trace.contains("munmap 1228800"), "\(trace.suffix(6))")
        XCTAssertTrue(trace.contains { $0.hasPrefix("DRM_IOCTL_MODE_DESTROY_DUMB") }, "\(trace.suffix(6))")
        XCTAssertTrue(rig.fake.leakReport().isEmpty, rig.fake.leakReport().description)
    }
}
