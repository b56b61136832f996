/// What one source of a run did: what it showed where, its counters and
/// latency, and what became of its camera.
public struct SourceSummary: Sendable, Codable, Equatable {
    /// The camera's node (the one it came back at, after a reconnect).
    public var camera: String
    /// The pixel format shown ("XRGB8888 (V4L2 'XR24', DRM 'XR24')"; on
    /// the copy path "YUYV copied to ...").
    public var format: String
    /// The capture size.
    public var width: Int
    public var height: Int
    /// Buffers cycled (the display's on the copy path).
    public var bufferCount: Int
    /// The plane that showed it.
    public var plane: UInt32?
    /// Who allocated the buffers ("camera memory", ...).
    public var memory: String
    /// How the frame was placed ("unscaled", "scaled", "cropped").
    public var placement: String
    /// The plan search in one line: what was chosen and what was refused.
    public var plan: String
    /// The counters.
    public var statistics: PipelineStatistics
    /// Capture-to-glass latency of the shown frames (modeset frame excluded).
    public var latency: LatencySummary
    /// Frames shown per second of the run.
    public var shownPerSecond: Double
    /// Framebuffers made from capture dma-bufs (0 on the copy path).
    public var framebuffersFromCaptureBuffers: Int
    /// The buffer pool's refused transitions (empty in a correct run).
    public var poolViolations: [String]
    /// The copy path ("YUYV 640x480 → XRGB8888 (libyuv)"), nil for zero copy.
    public var copyPath: String?
    /// What the copy path did (nil for zero copy).
    public var copy: CopyStatistics?
    /// Why the source was lost (`onSourceLoss: continue`), nil if it was not.
    public var lost: String?

    /// A summary of these values.
    public init(
        camera: String, format: String, width: Int, height: Int, bufferCount: Int, plane: UInt32?, memory: String = "camera memory",
        placement: String = "unscaled", plan: String = "", statistics: PipelineStatistics, latency: LatencySummary = .empty,
        shownPerSecond: Double, framebuffersFromCaptureBuffers: Int, poolViolations: [String],
        copyPath: String? = nil, copy: CopyStatistics? = nil, lost: String? = nil
    ) {
        self.camera = camera
        self.format = format
        self.width = width
        self.height = height
        self.bufferCount = bufferCount
        self.plane = plane
        self.memory = memory
        self.placement = placement
        self.plan = plan
        self.statistics = statistics
        self.latency = latency
        self.shownPerSecond = shownPerSecond
        self.framebuffersFromCaptureBuffers = framebuffersFromCaptureBuffers
        self.poolViolations = poolViolations
        self.copyPath = copyPath
        self.copy = copy
        self.lost = lost
    }

    /// The copy path in one line, nil for zero copy.
    public var copyLine: String? { Self.copyLine(path: copyPath, copy: copy) }

    /// "copy path: YUYV 640x480 → XRGB8888 (libyuv), 300 frames converted, 2.1 ms each; ..."
    public static func copyLine(path copyPath: String?, copy: CopyStatistics?) -> String? {
        guard let copyPath, let copy else { return nil }
        var line = "copy path: \(copyPath), \(copy.converted) frames converted, \((copy.millisecondsPerFrame * 10).rounded() / 10) ms each"
        if copy.refused > 0 { line += ", \(copy.refused) refused (corrupt)" }
        if copy.superseded > 0 { line += ", \(copy.superseded) superseded before conversion" }
        return line + "; read \(copy.bytesRead) bytes, wrote \(copy.bytesWritten)"
    }
}
