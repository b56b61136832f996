import CKernelShim
import Platform

/// A DRM format modifier: how a buffer's pixels are laid out in memory
/// (linear, or one of a vendor's tiling and compression schemes). A plane
/// accepts a framebuffer only with a modifier it lists for that format.
///
/// Encodes as a string ("LINEAR", "INVALID" or "0x0100000000000001") rather
/// than a number, because most modifiers exceed 2^53 and JSON readers that
/// store numbers as doubles would change them.
///
/// The corresponding constants are `DRM_FORMAT_MOD_*` in drm_fourcc.h.
public struct FormatModifier: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: UInt64

    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Rows of pixels one after another, the layout every importer
    /// understands (`DRM_FORMAT_MOD_LINEAR`).
    public static let linear = FormatModifier(rawValue: fp_DRM_FORMAT_MOD_LINEAR)
    /// "No explicit modifier": the driver infers the layout
    /// (`DRM_FORMAT_MOD_INVALID`).
    public static let invalid = FormatModifier(rawValue: fp_DRM_FORMAT_MOD_INVALID)

    /// "LINEAR", "INVALID", or the value as 16 hex digits.
    public var description: String {
        switch self {
        case .linear: return "LINEAR"
        case .invalid: return "INVALID"
        default:
            let digits = String(rawValue, radix: 16)
            return "0x" + String(repeating: "0", count: max(0, 16 - digits.count)) + digits
        }
    }

    /// Reads what ``description`` prints.
    public init?(_ text: String) {
        switch text {
        case "LINEAR": self = .linear
        case "INVALID": self = .invalid
        default:
            guard text.hasPrefix("0x") || text.hasPrefix("0X"),
                  let value = UInt64(text.dropFirst(2), radix: 16) else { return nil }
            self.init(rawValue: value)
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let modifier = FormatModifier(text) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "expected a format modifier such as \"LINEAR\" or \"0x0100000000000001\", got \"\(text)\""))
        }
        self = modifier
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// Why an IN_FORMATS blob could not be read.
public enum FormatModifierBlobError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Shorter than the 24-byte header.
    case truncatedHeader(length: Int)
    /// A version this parser does not know (only 1 exists).
    case unsupportedVersion(UInt32)
    /// The format list runs past the end of the blob.
    case formatsOutOfBounds(offset: UInt32, count: UInt32, length: Int)
    /// The modifier list runs past the end of the blob.
    case modifiersOutOfBounds(offset: UInt32, count: UInt32, length: Int)
    /// A modifier's bitmask names a format index past the format list.
    case formatIndexOutOfRange(modifier: Int, formatIndex: Int, formatCount: Int)

    public var description: String {
        switch self {
        case .truncatedHeader(let length):
            return "\(length) bytes is shorter than the 24-byte header"
        case .unsupportedVersion(let version):
            return "unsupported version \(version) (expected 1)"
        case .formatsOutOfBounds(let offset, let count, let length):
            return "\(count) formats at offset \(offset) run past the end of the \(length)-byte blob"
        case .modifiersOutOfBounds(let offset, let count, let length):
            return "\(count) modifiers at offset \(offset) run past the end of the \(length)-byte blob"
        case .formatIndexOutOfRange(let modifier, let index, let count):
            return "modifier \(modifier) names format index \(index), but there are only \(count) formats"
        }
    }
}

/// The layout of a plane's IN_FORMATS property blob, which lists for every
/// format the modifiers the plane can scan out.
///
/// The corresponding C types are `struct drm_format_modifier_blob` and
/// `struct drm_format_modifier` (drm_mode.h); libdrm walks the same bytes
/// with `drmModeFormatModifierBlobIterNext`, which trusts them. This parser
/// checks every offset and count against the blob's length instead, so a
/// bad blob is an error and never an out-of-bounds read.
public enum FormatModifierBlob {
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
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(FormatModifierBlobError) -> [FourCC: [FormatModifier]] {
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
    public static func parse(_ bytes: [UInt8]) throws(FormatModifierBlobError) -> [FourCC: [FormatModifier]] {
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(FormatModifierBlobError) in try parse(raw) }
        }
        return try result.get()
    }
}
