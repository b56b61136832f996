import Platform

/// One capture format with its sizes and, per discrete size, its intervals.
public struct VideoFormatInfo: Sendable, Equatable, Codable {
    /// The V4L2 pixel format (`v4l2_fmtdesc.pixelformat`).
    public var fourcc: FourCC
    /// The driver's name for it (`v4l2_fmtdesc.description`).
    public var description: String
    /// The buffer type it was enumerated for.
    public var bufferType: CaptureBufferType
    /// `V4L2_FMT_FLAG_COMPRESSED`: the frames are compressed (e.g. MJPEG).
    public var compressed: Bool
    /// `V4L2_FMT_FLAG_EMULATED`: made by libv4l conversion; never true here.
    public var emulated: Bool
    /// The sizes `VIDIOC_ENUM_FRAMESIZES` lists for it.
    public var frameSizes: [FrameSizeInfo]
}
