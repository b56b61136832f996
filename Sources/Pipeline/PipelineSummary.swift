/// What a run did, for the summary line and `--json` style reports.
public struct PipelineSummary: Sendable, Codable, Equatable {
    /// The camera's device node.
    public var camera: String
    /// The display's card.
    public var card: String
    /// The pixel format shown ("XRGB8888 (V4L2 XR24, DRM XR24)").
    public var format: String
    /// Frame width in pixels.
    public var width: Int
    /// Frame height in pixels.
    public var height: Int
    /// Capture buffers in the pool.
    public var bufferCount: Int
    /// The connector's name.
    public var connector: String
    /// The mode set ("1024x768@60.004Hz (preferred)").
    public var mode: String
    /// The plane that showed the frames, nil if none was reached.
    public var plane: UInt32?
    /// Whether commits were atomic (else legacy KMS).
    public var atomic: Bool
    /// Who allocated the frame buffers ("camera memory", "display memory", "heap system").
    public var memory: String
    /// How the frames were shown: "unscaled", "scaled to fit" or "cropped".
    public var placement: String
    /// The plan in one line (``PipelinePlan/summary``).
    public var plan: String
    /// The run's counters.
    public var statistics: PipelineStatistics
    /// Capture timestamp → flip vblank of every shown frame that counts
    /// toward latency (``FrameRecord/countsTowardLatency``).
    public var latency: LatencySummary
    /// Seconds of streaming.
    public var seconds: Double
    /// Why the run ended.
    public var stopReason: StopReason
    /// Framebuffers created from capture dma-bufs (one per capture buffer).
    public var framebuffersFromCaptureBuffers: Int
    /// Buffer-pool invariant violations; empty in a correct run.
    public var poolViolations: [String]
    /// The copy path, if one ran: "YUYV 640x480 → XRGB8888 (libyuv)".
    public var copyPath: String?
    /// What the copy path did (nil for zero-copy).
    public var copy: CopyStatistics?

    /// A summary with these figures.
    public init(camera: String, card: String, format: String, width: Int, height: Int, bufferCount: Int,
                connector: String, mode: String, plane: UInt32?, atomic: Bool,
                memory: String = "camera memory", placement: String = "unscaled", plan: String = "",
                statistics: PipelineStatistics,
                latency: LatencySummary = .empty, seconds: Double, stopReason: StopReason,
                framebuffersFromCaptureBuffers: Int, poolViolations: [String],
                copyPath: String? = nil, copy: CopyStatistics? = nil) {
        self.camera = camera
        self.card = card
        self.format = format
        self.width = width
        self.height = height
        self.bufferCount = bufferCount
        self.connector = connector
        self.mode = mode
        self.plane = plane
        self.atomic = atomic
        self.memory = memory
        self.placement = placement
        self.plan = plan
        self.statistics = statistics
        self.latency = latency
        self.seconds = seconds
        self.stopReason = stopReason
        self.framebuffersFromCaptureBuffers = framebuffersFromCaptureBuffers
        self.poolViolations = poolViolations
        self.copyPath = copyPath
        self.copy = copy
    }

    /// The copy path in one line, counted: "copy path: YUYV 640x480 →
    /// XRGB8888 (libyuv), 300 frames converted, 1.9 ms each"; nil for
    /// zero-copy.
    public var copyLine: String? { Self.copyLine(path: copyPath, copy: copy) }

    /// ``copyLine`` for `path` and `copy` (reports carry both).
    public static func copyLine(path copyPath: String?, copy: CopyStatistics?) -> String? {
        guard let copyPath, let copy else { return nil }
        var line = "copy path: \(copyPath), \(copy.converted) frames converted, \((copy.millisecondsPerFrame * 10).rounded() / 10) ms each"
        if copy.refused > 0 { line += ", \(copy.refused) refused (corrupt)" }
        if copy.superseded > 0 { line += ", \(copy.superseded) superseded before conversion" }
        return line + "; read \(copy.bytesRead) bytes, wrote \(copy.bytesWritten)"
    }

    /// Frames shown per second of streaming.
    public var shownPerSecond: Double { seconds > 0 ? Double(statistics.shown) / seconds : 0 }
}
