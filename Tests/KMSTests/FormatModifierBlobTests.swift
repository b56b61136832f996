import Foundation
import KMS
import Platform
import XCTest

/// The IN_FORMATS parser, fed blobs built here byte by byte the way the
/// kernel lays them out (native byte order).
final class FormatModifierBlobTests: XCTestCase {
    struct ModifierEntry {
        var formatBitmask: UInt64
        var formatOffset: UInt32
        var modifier: UInt64
    }

    /// Builds a `struct drm_format_modifier_blob` with the format list right
    /// after the header and the modifier list after that, 8-byte aligned, as
    /// the kernel's create_in_format_blob does.
    func makeBlob(version: UInt32 = 1, formats: [UInt32], modifiers: [ModifierEntry]) -> [UInt8] {
        let formatsOffset = 24
        let modifiersOffset = (formatsOffset + 4 * formats.count + 7) / 8 * 8
        var bytes: [UInt8] = []
        func put<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) } }
        put(version)
        put(UInt32(0))                     // flags
        put(UInt32(formats.count))
        put(UInt32(formatsOffset))
        put(UInt32(modifiers.count))
        put(UInt32(modifiersOffset))
        formats.forEach(put)
        while bytes.count < modifiersOffset { bytes.append(0) }
        for entry in modifiers {
            put(entry.formatBitmask)
            put(entry.formatOffset)
            put(UInt32(0))                 // pad
            put(entry.modifier)
        }
        return bytes
    }

    func code(_ text: String) -> FourCC {
        guard let code = FourCC(text) else {
            XCTFail("bad fourcc \(text)")
            return FourCC(rawValue: 0)
        }
        return code
    }

    let vendorModifier = FormatModifier(rawValue: 0x0100_0000_0000_0001)  // an Intel X-tiled layout

    func testParsesFormatsAndTheirModifiers() throws {
        let xr24 = code("XR24"), ar24 = code("AR24"), rg16 = code("RG16")
        let blob = makeBlob(
            formats: [xr24.rawValue, ar24.rawValue, rg16.rawValue],
            modifiers: [
                ModifierEntry(formatBitmask: 0b111, formatOffset: 0, modifier: FormatModifier.linear.rawValue),
                ModifierEntry(formatBitmask: 0b001, formatOffset: 0, modifier: vendorModifier.rawValue),
            ])
        let table = try FormatModifierBlob.parse(blob)
        XCTAssertEqual(table, [xr24: [.linear, vendorModifier], ar24: [.linear], rg16: [.linear]])
    }

    func testFormatWithoutModifiersMapsToEmptyList() throws {
        let xr24 = code("XR24"), ar24 = code("AR24")
        let blob = makeBlob(
            formats: [xr24.rawValue, ar24.rawValue],
            modifiers: [ModifierEntry(formatBitmask: 0b10, formatOffset: 0, modifier: FormatModifier.linear.rawValue)])
        XCTAssertEqual(try FormatModifierBlob.parse(blob), [xr24: [], ar24: [.linear]])
    }

    func testBitmaskOffsetSlidesTheWindowPastSixtyFourFormats() throws {
        // 70 distinct made-up formats: "F000" ... "F069".
        let formats = (0..<70).map { code(String(format: "F%03d", $0)) }
        let blob = makeBlob(
            formats: formats.map(\.rawValue),
            modifiers: [
                // Bits 0 and 5 with offset 64: formats 64 and 69.
                ModifierEntry(formatBitmask: 0b10_0001, formatOffset: 64, modifier: vendorModifier.rawValue),
                // Bit 63 with offset 0: format 63, the last of the first window.
                ModifierEntry(formatBitmask: 1 << 63, formatOffset: 0, modifier: FormatModifier.linear.rawValue),
            ])
        let table = try FormatModifierBlob.parse(blob)
        XCTAssertEqual(table.count, 70)
        XCTAssertEqual(table[formats[64]], [vendorModifier])
        XCTAssertEqual(table[formats[69]], [vendorModifier])
        XCTAssertEqual(table[formats[63]], [.linear])
        XCTAssertEqual(table[formats[0]], [])
        XCTAssertEqual(table[formats[65]], [])
    }

    func testTruncatedHeaderThrows() {
        let blob = Array(makeBlob(formats: [code("XR24").rawValue], modifiers: []).prefix(10))
        XCTAssertThrowsError(try FormatModifierBlob.parse(blob)) { error in
            XCTAssertEqual(error as? FormatModifierBlobError, .truncatedHeader(length: 10))
        }
        XCTAssertThrowsError(try FormatModifierBlob.parse([])) { error in
            XCTAssertEqual(error as? FormatModifierBlobError, .truncatedHeader(length: 0))
        }
    }

    func testTruncatedModifierListThrows() {
        let full = makeBlob(
            formats: [code("XR24").rawValue],
            modifiers: [ModifierEntry(formatBitmask: 1, formatOffset: 0, modifier: 0)])
        let cut = Array(full.dropLast(8))
        XCTAssertThrowsError(try FormatModifierBlob.parse(cut)) { error in
            XCTAssertEqual(
                error as? FormatModifierBlobError,
                .modifiersOutOfBounds(offset: 32, count: 1, length: cut.count))
        }
    }

    func testTruncatedFormatListThrows() {
        let full = makeBlob(formats: [code("XR24").rawValue, code("AR24").rawValue], modifiers: [])
        let cut = Array(full.prefix(28))   // header + one of two formats
        XCTAssertThrowsError(try FormatModifierBlob.parse(cut)) { error in
            XCTAssertEqual(error as? FormatModifierBlobError, .formatsOutOfBounds(offset: 24, count: 2, length: 28))
        }
    }

    func testHugeCountsThrowInsteadOfReadingOutOfBounds() {
        var blob = makeBlob(formats: [code("XR24").rawValue], modifiers: [])
        // count_formats = UInt32.max
        blob.replaceSubrange(8..<12, with: [0xff, 0xff, 0xff, 0xff])
        XCTAssertThrowsError(try FormatModifierBlob.parse(blob)) { error in
            guard case .formatsOutOfBounds = error as? FormatModifierBlobError else {
                return XCTFail("unexpected \(error)")
            }
        }
        var modifiers = makeBlob(formats: [code("XR24").rawValue], modifiers: [])
        // count_modifiers = UInt32.max, modifiers_offset = UInt32.max
        modifiers.replaceSubrange(16..<24, with: [UInt8](repeating: 0xff, count: 8))
        XCTAssertThrowsError(try FormatModifierBlob.parse(modifiers)) { error in
            guard case .modifiersOutOfBounds = error as? FormatModifierBlobError else {
                return XCTFail("unexpected \(error)")
            }
        }
    }

    func testBitPastTheFormatListThrows() {
        let blob = makeBlob(
            formats: [code("XR24").rawValue, code("AR24").rawValue],
            modifiers: [ModifierEntry(formatBitmask: 0b100, formatOffset: 0, modifier: 0)])
        XCTAssertThrowsError(try FormatModifierBlob.parse(blob)) { error in
            XCTAssertEqual(error as? FormatModifierBlobError, .formatIndexOutOfRange(modifier: 0, formatIndex: 2, formatCount: 2))
        }
        let offsetBlob = makeBlob(
            formats: [code("XR24").rawValue],
            modifiers: [ModifierEntry(formatBitmask: 1, formatOffset: 64, modifier: 0)])
        XCTAssertThrowsError(try FormatModifierBlob.parse(offsetBlob)) { error in
            XCTAssertEqual(error as? FormatModifierBlobError, .formatIndexOutOfRange(modifier: 0, formatIndex: 64, formatCount: 1))
        }
    }

    func testVersionZeroIsRejected() {
        let blob = makeBlob(version: 0, formats: [code("XR24").rawValue], modifiers: [])
        XCTAssertThrowsError(try FormatModifierBlob.parse(blob)) { error in
            XCTAssertEqual(error as? FormatModifierBlobError, .unsupportedVersion(0))
        }
    }

    func testErrorsReadAsSentences() {
        XCTAssertEqual(
            FormatModifierBlobError.formatIndexOutOfRange(modifier: 0, formatIndex: 64, formatCount: 1).description,
            "modifier 0 names format index 64, but there are only 1 formats")
        let wrapped = KMSError.malformedFormatModifierBlob(
            device: "/dev/dri/card0", plane: PlaneID(31), problem: .truncatedHeader(length: 3))
        XCTAssertEqual(
            wrapped.description,
            "/dev/dri/card0: the IN_FORMATS property of plane 31 is malformed: 3 bytes is shorter than the 24-byte header")
        XCTAssertEqual(wrapped.category, .deviceFailed)
    }

    func testModifierNames() throws {
        XCTAssertEqual(FormatModifier.linear.rawValue, 0)
        XCTAssertEqual(FormatModifier.invalid.rawValue, 0x00ff_ffff_ffff_ffff)
        XCTAssertEqual(FormatModifier.linear.description, "LINEAR")
        XCTAssertEqual(FormatModifier.invalid.description, "INVALID")
        XCTAssertEqual(vendorModifier.description, "0x0100000000000001")
        XCTAssertEqual(FormatModifier("LINEAR"), .linear)
        XCTAssertEqual(FormatModifier("0x0100000000000001"), vendorModifier)
        XCTAssertNil(FormatModifier("tiled"))

        let encoded = try JSONEncoder().encode([FormatModifier.linear, .invalid, vendorModifier])
        XCTAssertEqual(String(decoding: encoded, as: UTF8.self), #"["LINEAR","INVALID","0x0100000000000001"]"#)
        XCTAssertEqual(try JSONDecoder().decode([FormatModifier].self, from: encoded), [.linear, .invalid, vendorModifier])
        XCTAssertThrowsError(try JSONDecoder().decode([FormatModifier].self, from: Data(#"["tiled"]"#.utf8)))
    }
}
