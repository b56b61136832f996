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
    /// The 64-bit modifier: vendor in the top 8 bits, vendor's code below
    /// (`fourcc_mod_code`).
    public let rawValue: UInt64

    /// The modifier with this value; no check that any driver knows it.
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

    /// Decodes a JSON string as ``init(_:)`` reads it ("LINEAR", "INVALID",
    /// "0x..."); anything else is an error.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let modifier = FormatModifier(text) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "expected a format modifier such as \"LINEAR\" or \"0x0100000000000001\", got \"\(text)\""))
        }
        self = modifier
    }

    /// Encodes ``description`` as a JSON string, e.g. "LINEAR".
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
