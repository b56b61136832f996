import Platform

/// Why a frame could not be converted. Frame errors (a corrupt JPEG) are
/// counted and the frame skipped; setup errors end the run.
public enum ConversionError: Error, Equatable, CustomStringConvertible {
    /// The camera's format is not one libyuv converts here.
    case unsupportedFormat(FourCC)
    /// Sizes that cannot be converted (zero, or too large for libyuv's ints).
    case badSize(width: Int, height: Int)
    /// The frame holds fewer bytes than its format and size need.
    case frameTooShort(bytes: Int, needed: Int)
    /// libyuv refused the frame (a corrupt or truncated JPEG, a JPEG of
    /// another size); `function` names the call, `result` its return value.
    case libyuvFailed(function: String, result: Int32)

    /// One line naming what failed.
    public var description: String {
        switch self {
        case .unsupportedFormat(let fourcc):
            return "'\(fourcc)' cannot be converted; framepipe converts \(ConvertibleFormat.allCases.map(\.description).joined(separator: ", ")) to XRGB8888"
        case .badSize(let width, let height):
            return "cannot convert a \(width)x\(height) frame"
        case .frameTooShort(let bytes, let needed):
            return "the frame holds \(bytes) bytes, its format needs \(needed)"
        case .libyuvFailed(let function, let result):
            return "libyuv \(function) failed (\(result)): the frame is corrupt or not of the negotiated size"
        }
    }
}
