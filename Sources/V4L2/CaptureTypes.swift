import CV4L2
import Platform

// Values that describe a capture stream: what was asked for, what the driver
// agreed to, the buffers it handed out and the frames that come back. They are
// plain values (apart from the shared ``DmaBuf`` references) so that the
// pipeline and the unit tests can build and compare them without a device.

/// Limits of the V4L2 streaming API.
public enum StreamingLimits {
    /// The most memory planes a V4L2 buffer can have (`VIDEO_MAX_PLANES`).
    public static let planeCount = Int(VIDEO_MAX_PLANES)
    /// The most buffers a V4L2 queue can hold (`VIDEO_MAX_FRAME`).
    public static let bufferCount = Int(VIDEO_MAX_FRAME)
}

/// What a capture stream should produce.
public struct CaptureConfiguration: Sendable, Equatable {
    /// The pixel format, e.g. 'XR24'. The driver must accept it unchanged.
    public var fourcc: FourCC
    /// Frame width in pixels. The driver must accept it unchanged.
    public var width: UInt32
    /// Frame height in pixels. The driver must accept it unchanged.
    public var height: UInt32
    /// How many buffers to ask the driver for (`VIDIOC_REQBUFS`). The driver
    /// may grant more or fewer; fewer than 2 is an error. Ignored when the
    /// buffers are imported: then their number is the number of imported
    /// buffers.
    public var bufferCount: Int
    /// Seconds per frame (e.g. 1/25 for 25 frames per second), set with
    /// `VIDIOC_S_PARM`; nil keeps the driver's choice. The driver picks the
    /// nearest interval it supports; the stream reports what it picked.
    public var frameInterval: Fraction?
    /// Controls to set before streaming, by name. Names match the names the
    /// driver reports without regard to case, and spaces, underscores and
    /// other punctuation are equivalent: "timestamp_source" matches
    /// "Timestamp Source". Button controls ignore the value.
    public var controls: [String: Int64]

    public init(
        fourcc: FourCC, width: UInt32, height: UInt32, bufferCount: Int = 4,
        frameInterval: Fraction? = nil, controls: [String: Int64] = [:]
    ) {
        self.fourcc = fourcc
        self.width = width
        self.height = height
        self.bufferCount = bufferCount
        self.frameInterval = frameInterval
        self.controls = controls
    }
}

/// A pixel format and a frame size, as requested or as offered.
public struct FrameFormat: Sendable, Hashable, CustomStringConvertible {
    public var fourcc: FourCC
    public var width: UInt32
    public var height: UInt32

    public init(fourcc: FourCC, width: UInt32, height: UInt32) {
        self.fourcc = fourcc
        self.width = width
        self.height = height
    }

    /// "'XR24' 640x480".
    public var description: String { "'\(fourcc)' \(width)x\(height)" }
}

/// The layout of one memory plane in the negotiated format.
public struct CapturePlaneFormat: Sendable, Equatable {
    /// Bytes from the start of one line to the next (the pitch).
    public var bytesPerLine: UInt32
    /// The bytes one frame needs in this plane (including any data offset).
    public var sizeImage: UInt32

    public init(bytesPerLine: UInt32, sizeImage: UInt32) {
        self.bytesPerLine = bytesPerLine
        self.sizeImage = sizeImage
    }
}

/// The format the driver agreed to (`VIDIOC_S_FMT`'s answer).
///
/// Planes are memory planes: one dma-buf each. A single-planar buffer type
/// always has one, even for formats such as 'NV12' whose colour planes share
/// it; a multiplanar format such as 'NM12' (NV12M) has one per colour plane.
public struct CaptureFormat: Sendable, Equatable {
    public var fourcc: FourCC
    public var width: UInt32
    public var height: UInt32
    public var bufferType: CaptureBufferType
    /// One entry per memory plane.
    public var planes: [CapturePlaneFormat]

    public init(fourcc: FourCC, width: UInt32, height: UInt32, bufferType: CaptureBufferType, planes: [CapturePlaneFormat]) {
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
    public init?(_ raw: v4l2_format) {
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

/// Who allocated the buffers of a stream.
public enum CaptureMemory: String, Sendable, Equatable {
    /// The driver allocated them (`V4L2_MEMORY_MMAP`) and framepipe exported
    /// each plane as a dma-buf (`VIDIOC_EXPBUF`). They are never mapped.
    case exported
    /// Someone else allocated them (e.g. the display's dumb buffers) and the
    /// driver writes into the imported dma-bufs (`V4L2_MEMORY_DMABUF`).
    case imported

    var kernelValue: UInt32 {
        switch self {
        case .exported: return V4L2_MEMORY_MMAP.rawValue
        case .imported: return V4L2_MEMORY_DMABUF.rawValue
        }
    }
}

/// One memory plane of a capture buffer.
public struct CaptureBufferPlane: Sendable {
    /// The plane's memory as a dma-buf, shared with whoever displays it.
    public let dmabuf: DmaBuf
    /// The plane's size in bytes as the queue knows it (`length`).
    public let length: UInt32
    /// Bytes from one line to the next (from the negotiated format).
    public let bytesPerLine: UInt32
    /// Where the image starts inside the plane (`data_offset`). Multiplanar
    /// drivers may put a header before the image; they report the offset
    /// when a buffer is dequeued, and the stream records the latest value
    /// here. Always 0 for single-planar buffers.
    public internal(set) var dataOffset: UInt32

    public init(dmabuf: DmaBuf, length: UInt32, bytesPerLine: UInt32, dataOffset: UInt32) {
        self.dmabuf = dmabuf
        self.length = length
        self.bytesPerLine = bytesPerLine
        self.dataOffset = dataOffset
    }
}

/// One buffer of a capture queue, with a dma-buf per memory plane.
public struct CaptureBuffer: Sendable {
    /// The buffer's index in the queue (`v4l2_buffer.index`).
    public let index: Int
    public internal(set) var planes: [CaptureBufferPlane]

    public init(index: Int, planes: [CaptureBufferPlane]) {
        self.index = index
        self.planes = planes
    }
}

/// One plane of a buffer someone else allocated, to be imported with
/// `V4L2_MEMORY_DMABUF`.
public struct ImportedPlane: Sendable {
    /// The dma-buf. A borrowed descriptor is duplicated when the stream is
    /// created, so the caller may close its own copy afterwards.
    public enum Source: Sendable {
        /// A descriptor the caller owns.
        case borrowed(Int32)
        /// A dma-buf shared by reference.
        case shared(DmaBuf)
    }

    public var source: Source
    /// The usable bytes in the dma-buf; at least the format's `sizeImage`
    /// for this plane.
    public var length: UInt32
    /// Where the plane starts in the dma-buf. Capture drivers always write
    /// from the start of an imported buffer (V4L2 ignores an application's
    /// `data_offset` on capture queues), so this must be 0; it is here so
    /// that a mismatch is reported rather than silently ignored.
    public var offset: UInt32

    public init(fd: Int32, length: UInt32, offset: UInt32 = 0) {
        self.init(source: .borrowed(fd), length: length, offset: offset)
    }

    public init(dmabuf: DmaBuf, length: UInt32, offset: UInt32 = 0) {
        self.init(source: .shared(dmabuf), length: length, offset: offset)
    }

    public init(source: Source, length: UInt32, offset: UInt32 = 0) {
        self.source = source
        self.length = length
        self.offset = offset
    }
}

/// What a capture timestamp marks (the `V4L2_BUF_FLAG_TSTAMP_SRC_*` bits).
public enum TimestampSource: Sendable, Equatable {
    /// When the last pixel was captured (`V4L2_BUF_FLAG_TSTAMP_SRC_EOF`).
    /// The kernel's default; vivid puts it about 0.9 frame in the future.
    case endOfFrame
    /// When the exposure of the first line began (`V4L2_BUF_FLAG_TSTAMP_SRC_SOE`).
    case startOfExposure
    /// A value this kernel header does not define.
    case unknown

    /// Decodes the source from a buffer's flag word.
    public init(bufferFlags flags: UInt32) {
        switch flags & UInt32(V4L2_BUF_FLAG_TSTAMP_SRC_MASK) {
        case UInt32(V4L2_BUF_FLAG_TSTAMP_SRC_EOF): self = .endOfFrame
        case UInt32(V4L2_BUF_FLAG_TSTAMP_SRC_SOE): self = .startOfExposure
        default: self = .unknown
        }
    }
}

/// Which clock a capture timestamp was taken from (the
/// `V4L2_BUF_FLAG_TIMESTAMP_*` bits).
public enum TimestampClock: Sendable, Equatable {
    /// `CLOCK_MONOTONIC` (`V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC`): comparable
    /// with the display's vblank timestamps.
    case monotonic
    /// Copied from an output buffer (`V4L2_BUF_FLAG_TIMESTAMP_COPY`), memory-to-memory devices only.
    case copy
    /// Unknown (`V4L2_BUF_FLAG_TIMESTAMP_UNKNOWN`) or undefined bits.
    case unknown

    /// Decodes the clock from a buffer's flag word.
    public init(bufferFlags flags: UInt32) {
        switch flags & UInt32(V4L2_BUF_FLAG_TIMESTAMP_MASK) {
        case UInt32(V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC): self = .monotonic
        case UInt32(V4L2_BUF_FLAG_TIMESTAMP_COPY): self = .copy
        default: self = .unknown
        }
    }
}

/// A fixed-capacity list of per-plane numbers (at most `VIDEO_MAX_PLANES`),
/// stored inline so that dequeuing a frame allocates nothing.
public struct PlaneValues: RandomAccessCollection, Sendable, Equatable, CustomStringConvertible {
    private var storage = InlineArray<8, UInt32>(repeating: 0)
    public private(set) var count = 0

    public init() {}

    public init(_ values: [UInt32]) {
        for value in values { append(value) }
    }

    /// Adds a value; values beyond `VIDEO_MAX_PLANES` are dropped (the
    /// kernel never reports more).
    public mutating func append(_ value: UInt32) {
        guard count < storage.count else { return }
        storage[count] = value
        count += 1
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(position: Int) -> UInt32 {
        precondition(position >= 0 && position < count, "plane index out of range")
        return storage[position]
    }

    public static func == (lhs: PlaneValues, rhs: PlaneValues) -> Bool {
        lhs.elementsEqual(rhs)
    }

    public var description: String { "[" + map(String.init).joined(separator: ", ") + "]" }
}

/// A filled buffer handed back by the driver (`VIDIOC_DQBUF`).
public struct CapturedFrame: Sendable, Equatable {
    /// Which buffer: an index into ``CaptureStream/buffers``.
    public var index: Int
    /// The driver's frame counter. A gap means the driver dropped frames.
    public var sequence: UInt32
    /// The capture time in nanoseconds, on ``clock`` (normally
    /// `CLOCK_MONOTONIC`), marking ``timestampSource``.
    public var timestampNanoseconds: Int64
    /// What the timestamp marks: start of exposure or end of frame.
    public var timestampSource: TimestampSource
    /// The clock the timestamp comes from.
    public var clock: TimestampClock
    /// True when the driver marked the data as damaged (`V4L2_BUF_FLAG_ERROR`).
    /// The buffer must still be queued again.
    public var hasError: Bool
    /// Bytes of data per memory plane (`bytesused`, including any data offset).
    public var bytesUsed: PlaneValues
    /// Where the image starts in each memory plane (`data_offset`).
    public var dataOffsets: PlaneValues
    /// The raw `v4l2_buffer.flags` word.
    public var flags: UInt32

    public init(
        index: Int, sequence: UInt32, timestampNanoseconds: Int64, flags: UInt32,
        bytesUsed: PlaneValues, dataOffsets: PlaneValues
    ) {
        self.index = index
        self.sequence = sequence
        self.timestampNanoseconds = timestampNanoseconds
        self.flags = flags
        self.timestampSource = TimestampSource(bufferFlags: flags)
        self.clock = TimestampClock(bufferFlags: flags)
        self.hasError = flags & UInt32(V4L2_BUF_FLAG_ERROR) != 0
        self.bytesUsed = bytesUsed
        self.dataOffsets = dataOffsets
    }

    /// True when the timestamp is on `CLOCK_MONOTONIC`.
    public var isMonotonic: Bool { clock == .monotonic }

    /// Converts a buffer timestamp (`struct timeval`, microseconds) to nanoseconds.
    public static func nanoseconds(from time: timeval) -> Int64 {
        Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_usec) * 1_000
    }
}

/// Errors a capture stream reports that are not a failing ioctl: the driver
/// cannot do what the configuration asks, a control name or value is wrong,
/// or the stream was used the wrong way.
public enum CaptureError: UserFacingError, Sendable, Equatable {
    /// `VIDIOC_S_FMT` answered with a different pixel format or size.
    case formatNotOffered(device: String, requested: FrameFormat, offered: FrameFormat, available: [FourCC])
    /// The buffer count in the configuration is outside 2...`VIDEO_MAX_FRAME`.
    case invalidBufferCount(device: String, requested: Int)
    /// `VIDIOC_REQBUFS` granted fewer than the 2 buffers streaming needs.
    case tooFewBuffers(device: String, requested: Int, granted: Int)
    /// A frame interval was asked for but the driver cannot set one.
    case frameIntervalNotSupported(device: String, requested: Fraction)
    /// No control has this name.
    case unknownControl(device: String, name: String, available: [String])
    /// The value is outside the control's range.
    case controlValueOutOfRange(device: String, control: String, value: Int64, minimum: Int64, maximum: Int64)
    /// The control can be read but not set.
    case controlReadOnly(device: String, control: String)
    /// The control can be set but not read (e.g. a button).
    case controlWriteOnly(device: String, control: String)
    /// The control holds something other than one integer (a string, an array, ...).
    case controlTypeNotSupported(device: String, control: String, type: String)
    /// An imported buffer has a different number of planes than the format.
    case importedPlaneCountMismatch(device: String, buffer: Int, expected: Int, got: Int)
    /// An imported plane is smaller than the format needs.
    case importedPlaneTooSmall(device: String, buffer: Int, plane: Int, length: UInt32, needed: UInt32)
    /// An imported plane does not start at offset 0.
    case importedPlaneOffsetNotSupported(device: String, buffer: Int, plane: Int, offset: UInt32)
    /// Nothing to import.
    case noImportedBuffers(device: String)
    /// `queue(index:)` was given an index the stream does not have.
    case noSuchBuffer(device: String, index: Int, count: Int)
    /// `queue(index:)` was given a buffer that is already queued.
    case bufferAlreadyQueued(device: String, index: Int)
    /// The stream was stopped; a new one must be created.
    case streamStopped(device: String)

    public var description: String {
        switch self {
        case .formatNotOffered(let device, let requested, let offered, let available):
            let list = available.map { "'\($0)'" }.joined(separator: ", ")
            return "\(device) cannot capture \(requested): the driver offers \(offered) instead; available formats: \(list.isEmpty ? "none" : list)"
        case .invalidBufferCount(let device, let requested):
            return "\(device): a buffer count of \(requested) is not possible; use 2 to \(StreamingLimits.bufferCount)"
        case .tooFewBuffers(let device, let requested, let granted):
            return "\(device) granted \(granted) of \(requested) requested buffers; streaming needs at least 2"
        case .frameIntervalNotSupported(let device, let requested):
            return "\(device) cannot set a frame interval (asked for \(requested) s): the driver does not support VIDIOC_S_PARM timeperframe"
        case .unknownControl(let device, let name, let available):
            return "\(device) has no control named \"\(name)\"; available controls: \(available.isEmpty ? "none" : available.joined(separator: ", "))"
        case .controlValueOutOfRange(let device, let control, let value, let minimum, let maximum):
            return "\(device): \(value) is out of range for control \"\(control)\" (minimum \(minimum), maximum \(maximum))"
        case .controlReadOnly(let device, let control):
            return "\(device): control \"\(control)\" is read-only"
        case .controlWriteOnly(let device, let control):
            return "\(device): control \"\(control)\" is write-only and cannot be read"
        case .controlTypeNotSupported(let device, let control, let type):
            return "\(device): control \"\(control)\" is of type \(type); only integer, 64-bit integer, boolean, menu, integer menu, bitmask and button controls can be set by value"
        case .importedPlaneCountMismatch(let device, let buffer, let expected, let got):
            return "\(device): imported buffer \(buffer) has \(got) planes; the format needs \(expected)"
        case .importedPlaneTooSmall(let device, let buffer, let plane, let length, let needed):
            return "\(device): imported buffer \(buffer) plane \(plane) has \(length) bytes; the format needs \(needed)"
        case .importedPlaneOffsetNotSupported(let device, let buffer, let plane, let offset):
            return "\(device): imported buffer \(buffer) plane \(plane) starts at offset \(offset); a capture driver always writes from offset 0"
        case .noImportedBuffers(let device):
            return "\(device): no buffers to import"
        case .noSuchBuffer(let device, let index, let count):
            return "\(device): there is no buffer \(index); the stream has \(count)"
        case .bufferAlreadyQueued(let device, let index):
            return "\(device): buffer \(index) is already queued"
        case .streamStopped(let device):
            return "\(device): the capture stream was stopped"
        }
    }

    public var exitStatus: ExitStatus {
        switch self {
        case .formatNotOffered, .invalidBufferCount, .frameIntervalNotSupported, .unknownControl,
             .controlValueOutOfRange, .controlReadOnly, .controlWriteOnly, .controlTypeNotSupported,
             .importedPlaneCountMismatch, .importedPlaneTooSmall, .importedPlaneOffsetNotSupported,
             .noImportedBuffers:
            return .dataError
        case .tooFewBuffers:
            return .unavailable
        case .noSuchBuffer, .bufferAlreadyQueued, .streamStopped:
            return .software
        }
    }
}
