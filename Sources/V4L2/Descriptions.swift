import CV4L2
import Platform

/// What `VIDIOC_QUERYCAP` reports about a node.
public struct CapabilityInfo: Sendable, Equatable {
    public var driver: String
    public var card: String
    public var busInfo: String
    /// The kernel version the driver reports, e.g. "6.1.0".
    public var driverVersion: String
    /// Everything the physical device offers.
    public var capabilities: VideoCapabilities
    /// What this node offers (the bits that matter for this path).
    public var deviceCapabilities: VideoCapabilities

    public init(_ raw: v4l2_capability) {
        driver = String(fixedCString: raw.driver)
        card = String(fixedCString: raw.card)
        busInfo = String(fixedCString: raw.bus_info)
        driverVersion = "\(raw.version >> 16).\((raw.version >> 8) & 0xff).\(raw.version & 0xff)"
        capabilities = VideoCapabilities(rawValue: raw.capabilities)
        // Before device_caps existed, the node's caps were the device's caps.
        deviceCapabilities = capabilities.contains(.deviceCapabilities)
            ? VideoCapabilities(rawValue: raw.device_caps) : capabilities
    }

    /// True when libv4l2 would attach its mplane plugin to this device: the
    /// device (not just this node) offers multiplanar capture or output but
    /// not the single-planar variant. The plugin decides on the device-wide
    /// `capabilities`, so this does too.
    public var libv4l2WouldEmulateSinglePlanar: Bool {
        (capabilities.contains(.videoCaptureMultiplanar) && !capabilities.contains(.videoCapture))
            || (capabilities.contains(.videoOutputMultiplanar) && !capabilities.contains(.videoOutput))
    }
}

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

/// A rational number of seconds, as V4L2 frame intervals are given.
public struct Fraction: Sendable, Equatable, Codable, CustomStringConvertible {
    public var numerator: UInt32
    public var denominator: UInt32

    public init(numerator: UInt32, denominator: UInt32) {
        self.numerator = numerator
        self.denominator = denominator
    }

    init(_ raw: v4l2_fract) { self.init(numerator: raw.numerator, denominator: raw.denominator) }

    /// Frames per second for an interval (its reciprocal); 0 for a zero interval.
    public var framesPerSecond: Double {
        numerator == 0 ? 0 : Double(denominator) / Double(numerator)
    }

    public var description: String { "\(numerator)/\(denominator)" }
}

/// One entry of `VIDIOC_ENUM_FRAMESIZES`.
public enum FrameSizeRange: Sendable, Equatable {
    case discrete(width: UInt32, height: UInt32)
    /// Stepwise or continuous (step 1) sizes.
    case stepwise(minWidth: UInt32, maxWidth: UInt32, stepWidth: UInt32,
                  minHeight: UInt32, maxHeight: UInt32, stepHeight: UInt32)
}

/// One entry of `VIDIOC_ENUM_FRAMEINTERVALS`.
public enum FrameIntervalRange: Sendable, Equatable {
    case discrete(Fraction)
    case stepwise(min: Fraction, max: Fraction, step: Fraction)
}

/// Which streaming I/O methods the node supports (from the capability bits
/// `VIDIOC_REQBUFS` returns) and whether export to dma-buf was proven.
public struct StreamingSupport: Sendable, Equatable, Codable {
    /// `V4L2_MEMORY_MMAP`: the driver allocates.
    public var mmap: Bool
    /// `V4L2_MEMORY_USERPTR`.
    public var userPointer: Bool
    /// `V4L2_MEMORY_DMABUF`: buffers allocated elsewhere (e.g. by the display) can be imported.
    public var dmabuf: Bool
    /// `VIDIOC_EXPBUF` worked on an MMAP buffer; nil when it could not be
    /// tried (queue busy) or MMAP is absent.
    public var exportable: Bool?
}
