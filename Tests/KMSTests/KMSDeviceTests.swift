import Foundation
import KMS
import Platform
import TestSupport
import XCTest

/// Against a real vkms in the lab (`scripts/lab --vkms "enable_overlay=1"`):
/// one CRTC, a Virtual connector, a writeback connector, a primary and an
/// overlay plane.
final class KMSDeviceTests: XCTestCase {
    let cardPath = "/dev/dri/card0"

    /// Opens card0 and checks it is vkms, so that a different card in the
    /// lab fails loudly instead of making the later checks meaningless.
    func openVkms(file: StaticString = #filePath, line: UInt = #line) throws -> Card {
        let card = try Card.open(path: cardPath)
        XCTAssertEqual(card.driver.name, "vkms", file: file, line: line)
        return card
    }

    func testCapabilities() throws {
        try Lab.require()
        let card = try openVkms()
        XCTAssertEqual(card.path, cardPath)
        XCTAssertFalse(card.driver.description.isEmpty)
        let capabilities = card.capabilities
        XCTAssertTrue(capabilities.atomic)
        XCTAssertTrue(capabilities.universalPlanes)
        XCTAssertTrue(capabilities.writebackConnectors)
        XCTAssertTrue(capabilities.primeImport)
        XCTAssertTrue(capabilities.primeExport)
        XCTAssertTrue(capabilities.dumbBuffer)
        XCTAssertTrue(capabilities.timestampMonotonic)
        XCTAssertFalse(capabilities.asyncPageFlip, "vkms has no async flips")
        XCTAssertEqual(try card.describe().capabilities, capabilities)
    }

    func testCrtcsAndConnectors() throws {
        try Lab.require()
        let info = try openVkms().describe()
        XCTAssertEqual(info.driver.name, "vkms")
        XCTAssertEqual(info.crtcs.count, 1)
        let crtc = try XCTUnwrap(info.crtcs.first)
        XCTAssertEqual(crtc.index, 0)

        let virtual = try XCTUnwrap(info.connectors.first { $0.typeName == "Virtual" }, "no Virtual connector in \(info.connectors)")
        XCTAssertEqual(virtual.name, "Virtual-1")
        XCTAssertEqual(virtual.status, .connected)
        XCTAssertFalse(virtual.isWriteback)
        XCTAssertEqual(virtual.possibleCrtcs, [crtc.id])
        let preferred = try XCTUnwrap(virtual.modes.first(where: \.isPreferred), "no preferred mode in \(virtual.modes)")
        XCTAssertEqual(preferred.width, 1024)
        XCTAssertEqual(preferred.height, 768)
        XCTAssertEqual(preferred.refreshRate, 60, accuracy: 0.5)
        XCTAssertEqual(virtual.preferredMode, preferred)
        // The exact arithmetic agrees with the kernel's whole-hertz rounding.
        for mode in virtual.modes where mode.timings.kernelRefreshHertz != 0 {
            XCTAssertEqual(mode.refreshRate, Double(mode.timings.kernelRefreshHertz), accuracy: 0.5, "\(mode)")
        }

        let writeback = try XCTUnwrap(info.connectors.first(where: \.isWriteback), "no writeback connector in \(info.connectors)")
        XCTAssertEqual(writeback.typeName, "Writeback")
        XCTAssertEqual(writeback.possibleCrtcs, [crtc.id])

        XCTAssertFalse(info.encoders.isEmpty)
        for encoder in info.encoders {
            XCTAssertEqual(encoder.possibleCrtcs, [crtc.id], "encoder \(encoder.id)")
        }
    }

    func testPlanes() throws {
        try Lab.require()
        let info = try openVkms().describe()
        let crtc = try XCTUnwrap(info.crtcs.first).id

        let primaries = info.planes.filter { $0.type == .primary }
        XCTAssertEqual(primaries.count, 1, "\(info.planes)")
        XCTAssertGreaterThanOrEqual(info.planes.filter { $0.type == .overlay }.count, 1, "lab must load vkms with enable_overlay=1")
        for plane in info.planes {
            XCTAssertTrue(plane.possibleCrtcs.contains(crtc), "plane \(plane.id) cannot reach CRTC \(crtc)")
            XCTAssertFalse(plane.formats.isEmpty, "plane \(plane.id) lists no formats")
        }

        let primary = try XCTUnwrap(primaries.first)
        let xrgb8888 = try XCTUnwrap(FourCC("XR24"))
        let format = try XCTUnwrap(primary.formats.first { $0.format == xrgb8888 }, "no XR24 in \(primary.formats)")
        // vkms declares no modifiers, so the kernel publishes LINEAR for it.
        XCTAssertEqual(format.modifiers, [.linear])
    }

    func testPropertiesOfThePrimaryPlaneAndTheCrtc() throws {
        try Lab.require()
        let card = try openVkms()
        let info = try card.describe()
        let primary = try XCTUnwrap(info.planes.first { $0.type == .primary })

        let plane = try card.properties(of: primary.id)
        let type = try XCTUnwrap(plane["type"])
        XCTAssertEqual(type.enumeratorName, "Primary")
        XCTAssertTrue(type.isImmutable)
        // Atomic-only properties are visible because the atomic cap is set.
        for name in ["FB_ID", "CRTC_ID"] {
            let property = try XCTUnwrap(plane[name], "plane has no \(name): \(plane.all.map(\.name))")
            XCTAssertEqual(property.kind, .object, name)
            XCTAssertTrue(property.isAtomicOnly, name)
        }
        for name in ["SRC_X", "SRC_Y", "SRC_W", "SRC_H", "CRTC_W", "CRTC_H"] {
            XCTAssertNotNil(plane[name], name)
        }
        let inFormats = try XCTUnwrap(plane["IN_FORMATS"])
        XCTAssertEqual(inFormats.kind, .blob)
        let table = try FormatModifierBlob.parse(card.blobBytes(BlobID(UInt32(truncatingIfNeeded: inFormats.value))))
        XCTAssertEqual(Set(table.keys), Set(primary.formats.map(\.format)))

        let crtc = try card.properties(of: try XCTUnwrap(info.crtcs.first).id)
        XCTAssertEqual(crtc["MODE_ID"]?.kind, .blob)
        XCTAssertNotNil(crtc["ACTIVE"])

        let connector = try XCTUnwrap(info.connectors.first { !$0.isWriteback })
        XCTAssertEqual(try card.properties(of: connector.id)["CRTC_ID"]?.kind, .object)
        let writeback = try XCTUnwrap(info.connectors.first(where: \.isWriteback))
        XCTAssertEqual(try card.properties(of: writeback.id)["WRITEBACK_FB_ID"]?.kind, .object)
    }

    func testCardInfoRoundTripsThroughJSON() throws {
        try Lab.require()
        let info = try openVkms().describe()
        let data = try JSONEncoder().encode(info)
        XCTAssertEqual(try JSONDecoder().decode(CardInfo.self, from: data), info)
    }

    func testDevicePathsListTheCard() throws {
        try Lab.require()
        XCTAssertEqual(Card.devicePaths().first, cardPath)
    }

    func testV4L2NodeIsRefusedWithAMessageAboutThePath() throws {
        try Lab.require()
        // The lab loads vivid next to vkms, so /dev/video0 is a camera.
        XCTAssertThrowsError(try Card.open(path: "/dev/video0")) { error in
            XCTAssertEqual(
                (error as? KMSError)?.description,
                "/dev/video0 is a V4L2 device, expected a DRM card (/dev/dri/cardN)")
            XCTAssertEqual((error as? KMSError)?.category, .unavailable)
        }
    }

    /// The descriptors this process has open, with what each points to.
    func openDescriptors() throws -> [String: String] {
        let directory = "/proc/self/fd"
        var result: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            // The directory's own descriptor is gone by the time it is read.
            result[name] = (try? FileManager.default.destinationOfSymbolicLink(atPath: directory + "/" + name)) ?? "?"
        }
        return result
    }

    func testEveryDescriptorIsClosedWhenTheCardIsReleased() throws {
        try Lab.require()
        let before = try openDescriptors()
        XCTAssertFalse(before.values.contains(cardPath), "card already open before the test: \(before)")
        do {
            let card = try openVkms()
            _ = try card.describe()
            _ = try card.properties(of: try XCTUnwrap(card.describe().planes.first).id)
            XCTAssertTrue(try openDescriptors().values.contains(cardPath), "the card's descriptor is not visible in /proc/self/fd")
        }
        let after = try openDescriptors()
        XCTAssertFalse(after.values.contains(cardPath), "card descriptor leaked: \(after)")
        XCTAssertEqual(after.count, before.count, "before: \(before)\nafter: \(after)")
    }

    func testFailedOpenLeavesNoDescriptorBehind() throws {
        try Lab.require()
        let before = try openDescriptors().count
        XCTAssertThrowsError(try Card.open(path: "/dev/video0"))
        XCTAssertThrowsError(try Card.open(path: "/dev/dri"))
        XCTAssertEqual(try openDescriptors().count, before)
    }
}
