/// A four-character code as both V4L2 and DRM use it: the characters packed
/// little-endian into 32 bits, first character in the lowest byte.
public struct FourCC: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The code as the kernel stores it (`pixelformat`, `DRM_FORMAT_*`): first
    /// character in bits 0-7.
    public let rawValue: UInt32

    /// The code with this value, as the kernel reports it; no checks.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Packs exactly four printable ASCII characters, optionally followed by
    /// "-BE" for V4L2's big-endian variant (bit 31), as ``description``
    /// writes it; anything else is `nil`.
    public init?(_ text: String) {
        var bytes = Array(text.utf8)
        var bigEndian: UInt32 = 0
        if bytes.count == 7, bytes.suffix(3) == Array("-BE".utf8) {
            bytes.removeLast(3)
            bigEndian = 0x8000_0000
        }
        guard bytes.count == 4, bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) else { return nil }
        rawValue = (UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24) | bigEndian
    }

    /// The four characters; V4L2's "big-endian variant" bit (bit 31) is
    /// shown as a trailing "-BE", as v4l2-ctl does.
    public var description: String {
        let bigEndian = rawValue & 0x8000_0000 != 0
        let value = rawValue & 0x7fff_ffff
        let chars = (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
        let text = String(decoding: chars.map { $0 >= 0x20 && $0 < 0x7f ? $0 : UInt8(ascii: ".") }, as: UTF8.self)
        return bigEndian ? text + "-BE" : text
    }

    /// Decodes a JSON string of four printable ASCII characters, e.g.
    /// "XR24", or with "-BE" for the big-endian variant.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let code = FourCC(text) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "expected a four-character code such as \"XR24\", got \"\(text)\""))
        }
        self = code
    }

    /// Encodes ``description`` as a JSON string, e.g. "XR24".
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
