import CKernelShim
import Platform

/// The layout of a plane's IN_FORMATS property blob, which lists for every
/// format the modifiers the plane can scan out.
///
/// The corresponding C types are `struct drm_format_modifier_blob` and
/// `struct drm_format_modifier` (drm_mode.h); libdrm walks the same bytes
/// with `drmModeFormatModifierBlobIterNext`, which trusts them. This parser
/// checks every offset and count against the blob's length instead, so a
/// bad blob is an error and never an out-of-bounds read.
package enum FormatModifierBlob {
    /// The header: version, flags, count_formats, formats_offset,
    /// count_modifiers, modifiers_offset — six 32-bit fields.
    static let headerSize = 24
    /// One `struct drm_format_modifier`: u64 formats bitmask, u32 offset,
    /// u32 pad, u64 modifier.
    static let modifierEntrySize = 24
    /// The only layout version the kernel has produced (`FORMAT_BLOB_CURRENT`).
    static let knownVersion: UInt32 = 1

    /// Parses an IN_FORMATS blob into the modifiers of each listed format,
    /// in the order the blob lists them. A format with no modifier entries
    /// maps to an empty list. Fields are read in the machine's byte order,
    /// as the kernel writes them.
    package static func parse(_ bytes: UnsafeRawBufferPointer) throws(FormatModifierBlobError) -> [FourCC: [FormatModifier]] {
        let length = bytes.count
        guard length >= headerSize else { throw .truncatedHeader(length: length) }
        func word(_ offset: Int) -> UInt32 { bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self) }
        func doubleWord(_ offset: Int) -> UInt64 { bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self) }

        let version = word(0)
        // Later versions may only append fields, so they remain readable.
        guard version >= knownVersion else { throw .unsupportedVersion(version) }
        let formatCount = word(8), formatsOffset = word(12)
        let modifierCount = word(16), modifiersOffset = word(20)

        // UInt32 × 24 + UInt32 fits in a 64-bit Int, so these cannot overflow.
        guard Int(formatsOffset) + Int(formatCount) * 4 <= length else {
            throw .formatsOutOfBounds(offset: formatsOffset, count: formatCount, length: length)
        }
        guard Int(modifiersOffset) + Int(modifierCount) * modifierEntrySize <= length else {
            throw .modifiersOutOfBounds(offset: modifiersOffset, count: modifierCount, length: length)
        }

        let formats = (0..<Int(formatCount)).map { FourCC(rawValue: word(Int(formatsOffset) + 4 * $0)) }
        var modifiersByIndex = [[FormatModifier]](repeating: [], count: formats.count)
        for entry in 0..<Int(modifierCount) {
            let base = Int(modifiersOffset) + entry * modifierEntrySize
            let bitmask = doubleWord(base)
            let firstIndex = Int(word(base + 8))
            let modifier = FormatModifier(rawValue: doubleWord(base + 16))
            // Bit i of the mask stands for format (offset + i): the offset
            // slides the 64-bit window along lists longer than 64 formats.
            for bit in 0..<64 where bitmask & (1 << UInt64(bit)) != 0 {
                let index = firstIndex + bit
                guard index < formats.count else {
                    throw .formatIndexOutOfRange(modifier: entry, formatIndex: index, formatCount: formats.count)
                }
                modifiersByIndex[index].append(modifier)
            }
        }

        var table: [FourCC: [FormatModifier]] = [:]
        for (format, modifiers) in zip(formats, modifiersByIndex) {
            table[format, default: []].append(contentsOf: modifiers)
        }
        return table
    }

    /// Parses a blob held in an array; see the buffer variant.
    package static func parse(_ bytes: [UInt8]) throws(FormatModifierBlobError) -> [FourCC: [FormatModifier]] {
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(FormatModifierBlobError) in try parse(raw) }
        }
        return try result.get()
    }
}
