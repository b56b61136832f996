/// What one source of a run did: what it showed where, its counters and
/// latency, and what became of its camera.
public struct SourceSummary: Sendable, Codable, Equatable {
    /// The camera's node (the one it came back at, after a reconnect).
    public var camera: String
    /// The pixel format shown ("XRGB8888 (V4L2 'XR24', DRM 'XR24')"; on
    /// the copy path "YUYV copied to ...").
    public var format: String
    /// The capture width in pixels.
    public var width: Int
    /// The capture height in pixels.
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
    /// The buffer pool's refused transitions (empty in a correct run).
    public var poolViolations: [String]
    /// The copy path that ran, nil for zero copy.
    public var copyPath: CopyPathSummary?
    /// Why the source was lost (`onSourceLoss: continue`), nil if it was not.
    public var lost: String?
    /// The camera's media-controller pipeline and its pads' formats, nil
    /// for a plain V4L2 node (``PipelineSource/media``).
    public var media: String?

    /// A summary of these values.
    package init(
        camera: String, format: String, width: Int, height: Int, bufferCount: Int, plane: UInt32?, memory: String = "camera memory",
        placement: String = "unscaled", plan: String = "", statistics: PipelineStatistics, latency: LatencySummary = .empty,
        shownPerSecond: Double, poolViolations: [String], copyPath: CopyPathSummary? = nil, lost: String? = nil,
        media: String? = nil
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
        self.poolViolations = poolViolations
        self.copyPath = copyPath
        self.lost = lost
        self.media = media
    }

    /// Framebuffers made from capture dma-bufs: every buffer's for zero
    /// copy, none on the copy path (its framebuffers are the display's).
    public var framebuffersFromCaptureBuffers: Int { copyPath == nil ? bufferCount : 0 }

    /// What the copy path did (nil for zero copy).
    public var copy: CopyStatistics? { copyPath?.statistics }

    /// The copy path in one line, nil for zero copy.
    public var copyLine: String? { Self.copyLine(path: copyPath?.path, copy: copyPath?.statistics) }

    /// "copy path: YUYV 640x480 → XRGB8888 (libyuv), 300 frames converted, 2.1 ms each; ..."
    package static func copyLine(path copyPath: String?, copy: CopyStatistics?) -> String? {
        guard let copyPath, let copy else { return nil }
        var line = "copy path: \(copyPath), \(copy.converted) frames converted, \((copy.millisecondsPerFrame * 10).rounded() / 10) ms each"
        if copy.refused > 0 { line += ", \(copy.refused) refused (corrupt)" }
        if copy.superseded > 0 { line += ", \(copy.superseded) superseded before conversion" }
        return line + "; read \(copy.bytesRead) bytes, wrote \(copy.bytesWritten)"
    }
}

extension SourceSummary {
    /// The summary of `source` after a run of `seconds`, with its lane's
    /// counters and pool (`activePlane`: the display's plane, for a plan
    /// that names none, the legacy path's; `media`: its media pipeline as
    /// last prepared, after a reconnect too).
    init(of source: SourceRun, lane: Lane, seconds: Double, activePlane: UInt32?, media: String?) {
        let candidate = source.setup.candidate
        let statistics = lane.statistics
        var copyPath: CopyPathSummary?
        if let path = source.copyPath, let copied = source.copyStatistics { copyPath = CopyPathSummary(path: path, statistics: copied) }
        self.init(
            camera: source.cameraPath,
            format: copyPath.map { _ in "\(source.stream.format.fourcc) copied to \(candidate.pixelFormat.description)" } ?? candidate.pixelFormat.description,
            width: Int(source.stream.format.width), height: Int(source.stream.format.height), bufferCount: source.bufferCount,
            plane: candidate.display.plane?.id.rawValue ?? activePlane, memory: candidate.memory.description,
            placement: candidate.display.placement.rawValue, plan: source.setup.plan.summary, statistics: statistics,
            latency: source.latency.summary, shownPerSecond: seconds > 0 ? Double(statistics.shown) / seconds : 0,
            poolViolations: lane.pool.violations, copyPath: copyPath, lost: source.lost, media: media)
    }
}
