import Foundation
import KMS
import Platform
import XCTest

final class IdentifierTests: XCTestCase {
    let order = [CrtcID(31), CrtcID(45), CrtcID(60)]

    func testPossibleCrtcsBitsFollowResourceOrder() {
        XCTAssertEqual(CrtcID.decodePossibleCrtcs(mask: 0b101, resourceOrder: order), [CrtcID(31), CrtcID(60)])
        XCTAssertEqual(CrtcID.decodePossibleCrtcs(mask: 0b010, resourceOrder: order), [CrtcID(45)])
        XCTAssertEqual(CrtcID.decodePossibleCrtcs(mask: 0, resourceOrder: order), [])
        // The bit is the CRTC's position, not its id: ids out of order stay
        // matched to their positions.
        XCTAssertEqual(CrtcID.decodePossibleCrtcs(mask: 0b10, resourceOrder: [CrtcID(50), CrtcID(40)]), [CrtcID(40)])
    }

    func testPossibleCrtcsBitsBeyondTheListAreIgnored() {
        XCTAssertEqual(CrtcID.decodePossibleCrtcs(mask: .max, resourceOrder: order), order)
        XCTAssertEqual(CrtcID.decodePossibleCrtcs(mask: 0b1000, resourceOrder: order), [])
        XCTAssertEqual(CrtcID.decodePossibleCrtcs(mask: .max, resourceOrder: []), [])
    }

    func testIdentifiersEncodeAsPlainNumbers() throws {
        let encoded = try JSONEncoder().encode([CrtcID(31)])
        XCTAssertEqual(String(decoding: encoded, as: UTF8.self), "[31]")
        XCTAssertEqual(try JSONDecoder().decode([PlaneID].self, from: Data("[7]".utf8)), [PlaneID(7)])
        XCTAssertEqual(ConnectorID(12).description, "12")
        XCTAssertEqual(PlaneID.objectType, .plane)
        XCTAssertEqual(CrtcID.objectType.description, "CRTC")
        XCTAssertEqual(ModeObjectType.crtc.rawValue, 0xcccc_cccc)
        XCTAssertEqual(ModeObjectType.plane.rawValue, 0xeeee_eeee)
    }

    func testCardInfoEncodesToReadableJSON() throws {
        let mode = DisplayMode(timings: ModeTimings(
            pixelClockKilohertz: 65_000,
            horizontalDisplay: 1024, horizontalSyncStart: 1048, horizontalSyncEnd: 1184, horizontalTotal: 1344,
            verticalDisplay: 768, verticalSyncStart: 771, verticalSyncEnd: 777, verticalTotal: 806,
            type: 1 << 3, name: "1024x768"))
        let info = CardInfo(
            path: "/dev/dri/card0",
            driver: DriverInfo(name: "vkms", description: "Virtual Kernel Mode Setting", date: "20180514",
                               majorVersion: 1, minorVersion: 0, patchLevel: 0),
            capabilities: CardCapabilities(dumbBuffer: true, primeImport: true, atomic: true),
            minimumWidth: 10, minimumHeight: 10, maximumWidth: 8192, maximumHeight: 8192,
            connectors: [ConnectorInfo(
                id: ConnectorID(36), name: "Virtual-1", typeName: "Virtual", typeIndex: 1, status: .connected,
                isWriteback: false, widthMillimeters: 0, heightMillimeters: 0, modes: [mode],
                currentEncoder: nil, possibleEncoders: [EncoderID(35)], possibleCrtcs: [CrtcID(34)])],
            encoders: [EncoderInfo(id: EncoderID(35), typeName: "Virtual", currentCrtc: nil, possibleCrtcs: [CrtcID(34)])],
            crtcs: [CrtcInfo(id: CrtcID(34), index: 0, mode: nil, framebuffer: nil, gammaSize: 0)],
            planes: [PlaneInfo(
                id: PlaneID(31), type: .primary, currentCrtc: nil, currentFramebuffer: nil,
                possibleCrtcs: [CrtcID(34)],
                formats: [PlaneFormat(format: FourCC(rawValue: 0x3432_5258), modifiers: [.linear])])])

        XCTAssertEqual(info.connectors.first?.preferredMode, mode)
        XCTAssertEqual(info.driver.version, "1.0.0")

        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = String(decoding: try encoder.encode(info), as: UTF8.self)
        XCTAssertTrue(text.contains(#""format":"XR24""#), text)
        XCTAssertTrue(text.contains(#""modifiers":["LINEAR"]"#), text)
        XCTAssertTrue(text.contains(#""type":"primary""#), text)
        XCTAssertTrue(text.contains(#""status":"connected""#), text)
        XCTAssertTrue(text.contains(#""possibleCrtcs":[34]"#), text)
        XCTAssertTrue(text.contains(#""refreshRate":60.004"#), text)
        XCTAssertEqual(try JSONDecoder().decode(CardInfo.self, from: Data(text.utf8)), info)
    }
}

final class PropertyLookupTests: XCTestCase {
    func testLookupByNameAndEnumeratorNames() {
        let properties = ModeObjectProperties([
            ModeObjectProperty(
                id: PropertyID(8), name: "type", value: 1,
                kind: .enumeration([.init(name: "Overlay", value: 0), .init(name: "Primary", value: 1), .init(name: "Cursor", value: 2)]),
                isImmutable: true, isAtomicOnly: false),
            ModeObjectProperty(id: PropertyID(17), name: "FB_ID", value: 0, kind: .object, isImmutable: false, isAtomicOnly: true),
            ModeObjectProperty(
                id: PropertyID(40), name: "rotation", value: 0b10001,
                kind: .bitmask([.init(name: "rotate-0", value: 0), .init(name: "rotate-90", value: 1), .init(name: "reflect-x", value: 4)]),
                isImmutable: false, isAtomicOnly: false),
            ModeObjectProperty(
                id: PropertyID(41), name: "offset", value: UInt64(bitPattern: -5),
                kind: .signedRange(minimum: -10, maximum: 10), isImmutable: false, isAtomicOnly: false),
        ])
        XCTAssertEqual(properties["FB_ID"]?.id, PropertyID(17))
        XCTAssertEqual(properties["type"]?.enumeratorName, "Primary")
        XCTAssertEqual(properties["type"]?.description, "type=Primary")
        XCTAssertEqual(properties["rotation"]?.bitmaskNames, ["rotate-0", "reflect-x"])
        XCTAssertEqual(properties["offset"]?.description, "offset=-5")
        XCTAssertNil(properties["FB_ID"]?.enumeratorName)
        XCTAssertNil(properties["zpos"])
        XCTAssertEqual(properties.all.map(\.name), ["type", "FB_ID", "rotation", "offset"])
    }
}
