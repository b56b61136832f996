import CV4L2
import Platform

/// One entry of `VIDIOC_ENUM_FMT`.
public struct FormatDescription: Sendable, Equatable, Codable {
    /// The pixel format (`v4l2_fmtdesc.pixelformat`).
    public var fourcc: FourCC
    /// The driver's name for it (`v4l2_fmtdesc.description`), e.g.
    /// "32-bit BGRX 8-8-8-8".
    public var description: String
    /// `V4L2_FMT_FLAG_COMPRESSED`.
    public var compressed: Bool
    /// `V4L2_FMT_FLAG_EMULATED`: produced by libv4l conversion in software.
    /// Never true here because conversion is disabled, reported for honesty.
    public var emulated: Bool

    /// A format description with these values; no checks.
    package init(fourcc: FourCC, description: String, compressed: Bool, emulated: Bool) {
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
