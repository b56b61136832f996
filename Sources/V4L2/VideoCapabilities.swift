import CV4L2

/// The capability bits of `struct v4l2_capability` (`V4L2_CAP_*`).
public struct VideoCapabilities: OptionSet, Sendable, Hashable {
    /// The bits as the kernel stores them in `v4l2_capability.capabilities`
    /// or `device_caps`.
    public let rawValue: UInt32
    /// The set with exactly these bits; unknown bits are kept.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Single-planar video capture (`V4L2_CAP_VIDEO_CAPTURE`).
    public static let videoCapture = Self(rawValue: UInt32(V4L2_CAP_VIDEO_CAPTURE))
    /// Single-planar video output (`V4L2_CAP_VIDEO_OUTPUT`).
    public static let videoOutput = Self(rawValue: UInt32(V4L2_CAP_VIDEO_OUTPUT))
    /// Destructive video overlay into a framebuffer (`V4L2_CAP_VIDEO_OVERLAY`).
    public static let videoOverlay = Self(rawValue: UInt32(V4L2_CAP_VIDEO_OVERLAY))
    /// Raw vertical-blanking-interval data capture (`V4L2_CAP_VBI_CAPTURE`).
    public static let vbiCapture = Self(rawValue: UInt32(V4L2_CAP_VBI_CAPTURE))
    /// Raw VBI data output (`V4L2_CAP_VBI_OUTPUT`).
    public static let vbiOutput = Self(rawValue: UInt32(V4L2_CAP_VBI_OUTPUT))
    /// Sliced (decoded) VBI capture (`V4L2_CAP_SLICED_VBI_CAPTURE`).
    public static let slicedVBICapture = Self(rawValue: UInt32(V4L2_CAP_SLICED_VBI_CAPTURE))
    /// Sliced VBI output (`V4L2_CAP_SLICED_VBI_OUTPUT`).
    public static let slicedVBIOutput = Self(rawValue: UInt32(V4L2_CAP_SLICED_VBI_OUTPUT))
    /// Radio Data System capture (`V4L2_CAP_RDS_CAPTURE`).
    public static let rdsCapture = Self(rawValue: UInt32(V4L2_CAP_RDS_CAPTURE))
    /// Video output overlay, also called on-screen display
    /// (`V4L2_CAP_VIDEO_OUTPUT_OVERLAY`).
    public static let videoOutputOverlay = Self(rawValue: UInt32(V4L2_CAP_VIDEO_OUTPUT_OVERLAY))
    /// Multiplanar video capture, the `_MPLANE` buffer types
    /// (`V4L2_CAP_VIDEO_CAPTURE_MPLANE`).
    public static let videoCaptureMultiplanar = Self(rawValue: UInt32(V4L2_CAP_VIDEO_CAPTURE_MPLANE))
    /// Multiplanar video output (`V4L2_CAP_VIDEO_OUTPUT_MPLANE`).
    public static let videoOutputMultiplanar = Self(rawValue: UInt32(V4L2_CAP_VIDEO_OUTPUT_MPLANE))
    /// A multiplanar memory-to-memory device such as a codec or scaler
    /// (`V4L2_CAP_VIDEO_M2M_MPLANE`).
    public static let videoMemoryToMemoryMultiplanar = Self(rawValue: UInt32(V4L2_CAP_VIDEO_M2M_MPLANE))
    /// A single-planar memory-to-memory device (`V4L2_CAP_VIDEO_M2M`).
    public static let videoMemoryToMemory = Self(rawValue: UInt32(V4L2_CAP_VIDEO_M2M))
    /// Has a tuner (`V4L2_CAP_TUNER`).
    public static let tuner = Self(rawValue: UInt32(V4L2_CAP_TUNER))
    /// Has audio inputs or outputs (`V4L2_CAP_AUDIO`).
    public static let audio = Self(rawValue: UInt32(V4L2_CAP_AUDIO))
    /// A radio receiver (`V4L2_CAP_RADIO`).
    public static let radio = Self(rawValue: UInt32(V4L2_CAP_RADIO))
    /// Has a modulator, for radio transmitters (`V4L2_CAP_MODULATOR`).
    public static let modulator = Self(rawValue: UInt32(V4L2_CAP_MODULATOR))
    /// Software-defined radio capture (`V4L2_CAP_SDR_CAPTURE`).
    public static let sdrCapture = Self(rawValue: UInt32(V4L2_CAP_SDR_CAPTURE))
    /// The extended fields of `v4l2_pix_format` (`flags`, colorimetry) are
    /// valid (`V4L2_CAP_EXT_PIX_FORMAT`).
    public static let extendedPixelFormat = Self(rawValue: UInt32(V4L2_CAP_EXT_PIX_FORMAT))
    /// Software-defined radio output (`V4L2_CAP_SDR_OUTPUT`).
    public static let sdrOutput = Self(rawValue: UInt32(V4L2_CAP_SDR_OUTPUT))
    /// Metadata capture (`V4L2_CAP_META_CAPTURE`).
    public static let metaCapture = Self(rawValue: UInt32(V4L2_CAP_META_CAPTURE))
    /// The `read()`/`write()` I/O method (`V4L2_CAP_READWRITE`).
    public static let readWrite = Self(rawValue: UInt32(V4L2_CAP_READWRITE))
    /// The streaming I/O methods (MMAP, USERPTR, DMABUF) that framepipe needs
    /// (`V4L2_CAP_STREAMING`).
    public static let streaming = Self(rawValue: UInt32(V4L2_CAP_STREAMING))
    /// Metadata output (`V4L2_CAP_META_OUTPUT`).
    public static let metaOutput = Self(rawValue: UInt32(V4L2_CAP_META_OUTPUT))
    /// A touch sensor presented as a video device (`V4L2_CAP_TOUCH`).
    public static let touch = Self(rawValue: UInt32(V4L2_CAP_TOUCH))
    /// Inputs and outputs are routed through the media controller, not
    /// `VIDIOC_S_INPUT` (`V4L2_CAP_IO_MC`).
    public static let ioMediaController = Self(rawValue: UInt32(V4L2_CAP_IO_MC))
    /// `v4l2_capability.device_caps` is filled in (`V4L2_CAP_DEVICE_CAPS`);
    /// without it the node's capabilities are the device's.
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
