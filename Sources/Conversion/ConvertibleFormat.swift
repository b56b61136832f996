import Platform

/// A camera format framepipe can convert to XRGB8888 with libyuv, by its
/// V4L2 fourcc. Conversion is the copy path's only way: no pixel loop is
/// written by hand where libyuv has the function.
public enum ConvertibleFormat: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// 'YUYV': packed 4:2:2, Y0 U Y1 V (libyuv YUY2ToARGB).
    case yuyv = "YUYV"
    /// 'UYVY': packed 4:2:2, U Y0 V Y1 (UYVYToARGB).
    case uyvy = "UYVY"
    /// 'NV12': Y plane, then interleaved U/V at half size (NV12ToARGB).
    case nv12 = "NV12"
    /// 'NV21': Y plane, then interleaved V/U at half size (NV21ToARGB).
    case nv21 = "NV21"
    /// 'YU12' (YUV420): Y, U and V planes, chroma at half size (I420ToARGB).
    case yu12 = "YU12"
    /// 'NV16': Y plane, then interleaved U/V at half width, full height
    /// (SplitUVPlane, then I422ToARGB).
    case nv16 = "NV16"
    /// 'RGBP' (RGB565): 16-bit little-endian 5:6:5 (RGB565ToARGB).
    case rgb565 = "RGBP"
    /// 'RGB3' (RGB24): bytes R, G, B (libyuv calls this order RAW: RAWToARGB).
    case rgb24 = "RGB3"
    /// 'BGR3' (BGR24): bytes B, G, R (libyuv's RGB24ToARGB).
    case bgr24 = "BGR3"
    /// 'MJPG': one JPEG per frame (MJPGToARGB, libyuv's decoder on libjpeg).
    case mjpeg = "MJPG"

    /// The format with this V4L2 fourcc, if it can be converted.
    public init?(_ fourcc: FourCC) {
        self.init(rawValue: fourcc.description)
    }

    /// The V4L2 fourcc.
    public var fourcc: FourCC {
        // Every raw value is four printable characters.
        FourCC(rawValue) ?? FourCC(rawValue: 0)
    }

    /// The fourcc and the common name: "YUYV (YUYV 4:2:2)".
    public var description: String { "\(rawValue) (\(name))" }

    /// The name people know the format by.
    public var name: String {
        switch self {
        case .yuyv: return "YUYV 4:2:2"
        case .uyvy: return "UYVY 4:2:2"
        case .nv12: return "NV12"
        case .nv21: return "NV21"
        case .yu12: return "YUV420"
        case .nv16: return "NV16"
        case .rgb565: return "RGB565"
        case .rgb24: return "RGB24"
        case .bgr24: return "BGR24"
        case .mjpeg: return "MJPEG"
        }
    }

    /// Whether frames are compressed (their size varies; `bytesused` counts).
    public var isCompressed: Bool { self == .mjpeg }

    /// The planes of a frame stored contiguously in one buffer with
    /// `bytesPerLine` for the first plane (as single-planar V4L2 lays them
    /// out): each plane's offset and stride, and the bytes the frame needs.
    public func contiguousLayout(width: Int, height: Int, bytesPerLine: Int) -> (planes: [(offset: Int, stride: Int)], bytes: Int) {
        let chromaHeight = (height + 1) / 2
        switch self {
        case .nv12, .nv21:
            return ([(0, bytesPerLine), (bytesPerLine * height, bytesPerLine)], bytesPerLine * (height + chromaHeight))
        case .nv16:
            return ([(0, bytesPerLine), (bytesPerLine * height, bytesPerLine)], bytesPerLine * height * 2)
        case .yu12:
            let chroma = bytesPerLine / 2
            let u = bytesPerLine * height
            let v = u + chroma * chromaHeight
            return ([(0, bytesPerLine), (u, chroma), (v, chroma)], v + chroma * chromaHeight)
        case .yuyv, .uyvy, .rgb565, .rgb24, .bgr24:
            return ([(0, bytesPerLine)], bytesPerLine * height)
        case .mjpeg:
            return ([(0, 0)], 0)
        }
    }
}
