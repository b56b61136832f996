import CV4L2

/// Which buffer types framepipe captures from.
public enum CaptureBufferType: String, Sendable, Codable, CaseIterable {
    /// `V4L2_BUF_TYPE_VIDEO_CAPTURE`: one plane per buffer.
    case singlePlanar = "video-capture"
    /// `V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE`: one or more planes per buffer,
    /// each with its own size, pitch and data offset.
    case multiplanar = "video-capture-mplane"

    var kernelValue: UInt32 {
        switch self {
        case .singlePlanar: return V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
        case .multiplanar: return V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE.rawValue
        }
    }
}
