import CV4L2
import Platform

/// The format the driver agreed to (`VIDIOC_S_FMT`'s answer).
///
/// Planes are memory planes: one dma-buf each. A single-planar buffer type
/// always has one, even for formats such as 'NV12' whose colour planes share
/// it; a multiplanar format such as 'NM12' (NV12M) has one per colour plane.
public struct CaptureFormat: Sendable, Equatable {
    /// The pixel format the driver produces (`pixelformat`), e.g. 'XR24'.
    public var fourcc: FourCC
    /// Frame width in pixels, as the driver agreed in `VIDIOC_S_FMT`.
    public var width: UInt32
    /// Frame height in pixels, as the driver agreed in `VIDIOC_S_FMT`.
    public var height: UInt32
    /// Whether the format came from `fmt.pix` (single-planar) or
    /// `fmt.pix_mp` (multiplanar).
    public var bufferType: CaptureBufferType
    /// One entry per memory plane.
    public var planes: [CapturePlaneFormat]

    /// A format with these values; no checks.
    package init(fourcc: FourCC, width: UInt32, height: UInt32, bufferType: CaptureBufferType, planes: [CapturePlaneFormat]) {
        self.fourcc = fourcc
        self.width = width
        self.height = height
        self.bufferType = bufferType
        self.planes = planes
    }

    /// Reads a `struct v4l2_format` as the driver filled it in: `fmt.pix` for
    /// the single-planar capture type, `fmt.pix_mp` (with `num_planes` plane
    /// entries, at most `VIDEO_MAX_PLANES`) for the multiplanar one. Nil for
    /// any other buffer type.
    package init?(_ raw: v4l2_format) {
        switch raw.type {
        case V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue:
            let pix = raw.fmt.pix
            self.init(
                fourcc: FourCC(rawValue: pix.pixelformat), width: pix.width, height: pix.height,
                bufferType: .singlePlanar,
                planes: [CapturePlaneFormat(bytesPerLine: pix.bytesperline, sizeImage: pix.sizeimage)])
        case V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE.rawValue:
            let pix = raw.fmt.pix_mp
            let count = min(Int(pix.num_planes), StreamingLimits.planeCount)
            let planes = withUnsafeBytes(of: pix.plane_fmt) { raw in
                raw.bindMemory(to: v4l2_plane_pix_format.self).prefix(count).map {
                    CapturePlaneFormat(bytesPerLine: $0.bytesperline, sizeImage: $0.sizeimage)
                }
            }
            self.init(
                fourcc: FourCC(rawValue: pix.pixelformat), width: pix.width, height: pix.height,
                bufferType: .multiplanar, planes: planes)
        default:
            return nil
        }
    }

    /// The pixel format and size alone.
    public var frameFormat: FrameFormat { FrameFormat(fourcc: fourcc, width: width, height: height) }
}
