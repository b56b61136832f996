import CKernelShim
import Platform

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

    /// What is wrong with the blob, in words:
    /// `"12 bytes is shorter than the 24-byte header"`.
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
