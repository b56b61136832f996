import CV4L2

/// The capability bits of `struct v4l2_capability` (`V4L2_CAP_*`).
public struct VideoCapabilities: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let videoCapture = Self(rawValue: UInt32(V4L2_CAP_VIDEO_CAPTURE))
    public static let videoOutput = Self(rawValue: UInt32(V4L2_CAP_VIDEO_OUTPUT))
    public static let videoOverlay = Self(rawValue: UInt32(V4L2_CAP_VIDEO_OVERLAY))
    public static let vbiCapture = Self(rawValue: UInt32(V4L2_CAP_VBI_CAPTURE))
    public static let vbiOutput = Self(rawValue: UInt32(V4L2_CAP_VBI_OUTPUT))
    public static let slicedVBICapture = Self(rawValue: UInt32(V4L2_CAP_SLICED_VBI_CAPTURE))
    public static let slicedVBIOutput = Self(rawValue: UInt32(V4L2_CAP_SLICED_VBI_OUTPUT))
    public static let rdsCapture = Self(rawValue: UInt32(V4L2_CAP_RDS_CAPTURE))
    public static let videoOutputOverlay = Self(rawValue: UInt32(V4L2_CAP_VIDEO_OUTPUT_OVERLAY))
    public static let videoCaptureMultiplanar = Self(rawValue: UInt32(V4L2_CAP_VIDEO_CAPTURE_MPLANE))
    public static let videoOutputMultiplanar = Self(rawValue: UInt32(V4L2_CAP_VIDEO_OUTPUT_MPLANE))
    public static let videoMemoryToMemoryMultiplanar = Self(rawValue: UInt32(V4L2_CAP_VIDEO_M2M_MPLANE))
    public static let videoMemoryToMemory = Self(rawValue: UInt32(V4L2_CAP_VIDEO_M2M))
    public static let tuner = Self(rawValue: UInt32(V4L2_CAP_TUNER))
    public static let audio = Self(rawValue: UInt32(V4L2_CAP_AUDIO))
    public static let radio = Self(rawValue: UInt32(V4L2_CAP_RADIO))
    public static let modulator = Self(rawValue: UInt32(V4L2_CAP_MODULATOR))
    public static let sdrCapture = Self(rawValue: UInt32(V4L2_CAP_SDR_CAPTURE))
    public static let extendedPixelFormat = Self(rawValue: UInt32(V4L2_CAP_EXT_PIX_FORMAT))
    public static let sdrOutput = Self(rawValue: UInt32(V4L2_CAP_SDR_OUTPUT))
    public static let metaCapture = Self(rawValue: UInt32(V4L2_CAP_META_CAPTURE))
    public static let readWrite = Self(rawValue: UInt32(V4L2_CAP_READWRITE))
    public static let streaming = Self(rawValue: UInt32(V4L2_CAP_STREAMING))
    public static let metaOutput = Self(rawValue: UInt32(V4L2_CAP_META_OUTPUT))
    public static let touch = Self(rawValue: UInt32(V4L2_CAP_TOUCH))
    public static let ioMediaController = Self(rawValue: UInt32(V4L2_CAP_IO_MC))
    public static let deviceCapabilities = Self(rawValue: UInt32(V4L2_CAP_DEVICE_CAPS))

    /// Names in the kernel's spelling, lower-case, in bit order.
    static let names: [(VideoCapabilities, String)] = [
        (.videoCapture, "video-capture"), (.videoOutput, "video-output"),
        (.videoOverlay, "video-overlay"), (.vbiCapture, "vbi-capture"),
        (.vbiOutput, "vbi-output"), (.slicedVBICapture, "sliced-vbi-capture"),
        (.slicedVBIOutput, "sliced-vbi-output"), (.rdsCapture, "rds-capture"),
        (.videoOutputOverlay, "video-output-overlay"),
        (.videoCaptureMultiplanar, "video-capture-mplane"),
        (.videoOutputMultiplanar, "video-output-mplane"),
        (.videoMemoryToMemoryMultiplanar, "video-m2m-mplane"),
        (.videoMemoryToMemory, "video-m2m"), (.tuner, "tuner"), (.audio, "audio"),
        (.radio, "radio"), (.modulator, "modulator"), (.sdrCapture, "sdr-capture"),
        (.extendedPixelFormat, "ext-pix-format"), (.sdrOutput, "sdr-output"),
        (.metaCapture, "meta-capture"), (.readWrite, "readwrite"),
        (.streaming, "streaming"), (.metaOutput, "meta-output"), (.touch, "touch"),
        (.ioMediaController, "io-mc"), (.deviceCapabilities, "device-caps"),
    ]

    /// The names of the bits that are set.
    public var names: [String] {
        Self.names.filter { contains($0.0) }.map(\.1)
    }
}
