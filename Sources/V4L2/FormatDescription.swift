import CV4L2
import Platform

/// One entry of `VIDIOC_ENUM_FMT`.
public struct FormatDescription: Sendable, Equatable, Codable {
    public var fourcc: FourCC
    public var description: String
    /// `V4L2_FMT_FLAG_COMPRESSED`.
    public var compressed: Bool
    /// `V4L2_FMT_FLAG_EMULATED`: produced by libv4l conversion in software.
    /// Never true here because conversion is disabled, reported for honesty.
    public var emulated: Bool

    public init(fourcc: FourCC, description: String, compressed: Bool, emulated: Bool) {
        self.fourcc = fourcc
        self.description = description
        self.compressed = compressed
        self.emulated = emulated
    }

    init(_ raw: v4l2_fmtdesc) {
        fourcc = FourCC(rawValue: raw.pixelformat)
        description = String(fixedCString: raw.description)
        compressed = raw.flags & UInt32(V4L2_FMT_FLAG_COMPRESSED) != 0
        emulated = raw.flags & UInt32(V4L2_FMT_FLAG_EMULATED) != 0
    }
}
