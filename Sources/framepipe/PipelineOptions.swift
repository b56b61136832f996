import ArgumentParser
import FramePipe

/// The pipeline file and the flags that override it, shared by `plan`,
/// `preview` and `bench`: the common cases need no file at all.
struct PipelineOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A pipeline file (JSON, see configs/).", valueName: "file"), completion: .file(extensions: ["json"]))
    var config: String?

    @Option(help: ArgumentHelp(
        "V4L2 capture device, overriding source.device. Give it again for several cameras on one screen, a plane each (see --layout).",
        valueName: "path"))
    var device: [String] = []

    @Option(help: ArgumentHelp(
        "Where several cameras go: grid, side-by-side or picture-in-picture (the first full screen), overriding \"layout\".",
        valueName: "layout"))
    var layout: String?

    @OptionGroup var scheduling: SchedulingOptions

    @Option(help: ArgumentHelp(
        "When one of several cameras fails or is unplugged: stop (the run ends with its error) or continue (its plane goes off, the others go on), overriding \"onSourceLoss\".",
        valueName: "stop|continue"))
    var onSourceLoss: String?

    @Option(help: ArgumentHelp("Camera pixel format, a V4L2 fourcc (XR24, YUYV, NV12; `framepipe list` shows them), overriding source.format.", valueName: "fourcc"))
    var format: String?

    @Option(help: ArgumentHelp("Capture size WxH (e.g. 1280x720), overriding source.width and source.height.", valueName: "WxH"))
    var size: String?

    @Option(help: ArgumentHelp(
        "Frames per second to ask the camera for, overriding source.frameRate. With no rate here or in the file, framepipe asks for the highest rate the camera offers at the size, up to the display's refresh rate (the plan line says which).",
        valueName: "fps"))
    var fps: Double?

    @Option(help: ArgumentHelp("Capture buffers to allocate, 2 to 32, overriding source.buffers.", valueName: "n"))
    var buffers: Int?

    @Option(help: ArgumentHelp("DRM card, overriding sink.card.", valueName: "path"))
    var card: String?

    @Option(help: ArgumentHelp("Connector name (e.g. Virtual-1, HDMI-A-1), overriding sink.connector.", valueName: "name"))
    var connector: String?

    @Option(help: ArgumentHelp("Display mode WxH or WxH@Hz, overriding sink.mode.", valueName: "mode"))
    var mode: String?

    @Option(help: ArgumentHelp("Plane: auto, primary, overlay or an id, overriding sink.plane.", valueName: "plane"))
    var plane: String?

    @Flag(help: "When no zero-copy path works, convert each frame with libyuv into a display buffer (XRGB8888), counted and reported; overrides \"copy\" in the file. Without it such a pipeline is refused (exit 65).")
    var allowCopy = false

    @Flag(help: "Use legacy KMS (SetCrtc + PageFlip) even when atomic is available.")
    var legacy = false

    @Option(help: ArgumentHelp(
        "Who allocates the frame buffers: auto, camera, display, heap or heap:NAME, overriding source.memory.", valueName: "memory"))
    var memory: String?

    @OptionGroup var mediaOptions: MediaOptions

    func validate() throws {
        if let layout, LayoutPreset(rawValue: layout) == nil {
            throw ValidationError("--layout expects \(LayoutPreset.allCases.map(\.rawValue).joined(separator: ", ")), got \(layout)")
        }
        if let onSourceLoss, SourceLossPolicy(rawValue: onSourceLoss) == nil {
            throw ValidationError("--on-source-loss expects stop or continue, got \(onSourceLoss)")
        }
        if let twice = device.first(where: { path in device.filter { $0 == path }.count > 1 }) {
            throw ValidationError("--device \(twice) is given twice; each camera can be shown once")
        }
        if let format, FourCC(format) == nil {
            throw ValidationError("--format expects a fourcc of four characters such as XR24 or YUYV, got \(format)")
        }
        if let size, Self.parseSize(size) == nil {
            throw ValidationError("--size expects WxH with each side from 1 to 16384 pixels (e.g. 1280x720), got \(size)")
        }
        if let fps, !(0.01...1000).contains(fps) {
            throw ValidationError("--fps expects frames per second above 0 and at most 1000, got \(fps)")
        }
        if let buffers, !(2...32).contains(buffers) {
            throw ValidationError("--buffers expects a buffer count from 2 to 32, got \(buffers)")
        }
        if let mode, ModeRequest(parsing: mode) == nil {
            throw ValidationError("--mode expects \(ModeRequest.syntax), got \(mode)")
        }
        if let plane, PlaneRequest(parsing: plane) == nil {
            throw ValidationError("--plane expects \(PlaneRequest.syntax), got \(plane)")
        }
        if let memory, MemoryRequest(parsing: memory) == nil {
            throw ValidationError("--memory expects \(MemoryRequest.syntax), got \(memory)")
        }
    }

    /// The file (or the defaults) with the flags applied.
    func load() throws -> PipelineConfiguration {
        var pipeline = try config.map { try PipelineConfiguration.load(path: $0) } ?? PipelineConfiguration()
        if pipeline.isComposite, !device.isEmpty {
            throw ValidationError("--device replaces one camera; \(config ?? "the file") lists \(pipeline.sources.count) sources, so edit their devices there")
        }
        if device.count > 1 {
            pipeline.sources = device.map { path in
                var source = pipeline.source
                source.device = path
                return source
            }
        } else if let path = device.first {
            pipeline.source.device = path
        }
        if let layout { pipeline.layout = LayoutPreset(rawValue: layout) }
        if let onSourceLoss, let policy = SourceLossPolicy(rawValue: onSourceLoss) { pipeline.onSourceLoss = policy }
        // The camera flags apply to every source.
        var sources = pipeline.isComposite ? pipeline.sources : [pipeline.source]
        for index in sources.indices {
            if let format, let fourcc = FourCC(format) { sources[index].format = fourcc }
            if let size, let (width, height) = Self.parseSize(size) {
                sources[index].width = width
                sources[index].height = height
            }
            if let fps { sources[index].frameRate = fps }
            if let buffers { sources[index].buffers = buffers }
            if let memory, let request = MemoryRequest(parsing: memory) { sources[index].memory = request }
            try mediaOptions.apply(to: &sources[index])
        }
        if pipeline.isComposite { pipeline.sources = sources }
        pipeline.source = sources[0]
        if let card { pipeline.sink.card = card }
        if let connector { pipeline.sink.connector = connector }
        if let mode { pipeline.sink.mode = ModeRequest(parsing: mode) }
        if let plane, let request = PlaneRequest(parsing: plane) { pipeline.sink.plane = request }
        if legacy { pipeline.sink.legacy = true }
        if allowCopy { pipeline.copy = .allowed }
        scheduling.apply(to: &pipeline)
        if pipeline.isComposite {
            try Self.checkComposite(pipeline, plane: plane)
        } else if layout != nil || scheduling.commitLead != nil {
            throw ValidationError("--layout and --commit-lead are for several cameras; give --device more than once (or \"sources\" in the file)")
        }
        return pipeline
    }

    /// "WxH" with each side 1...16384 (the pipeline file's limits).
    static func parseSize(_ text: String) -> (width: Int, height: Int)? {
        let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]),
              (1...16384).contains(width), (1...16384).contains(height) else { return nil }
        return (width, height)
    }

    /// What several cameras on one screen cannot be combined with, as flags say it.
    static func checkComposite(_ pipeline: PipelineConfiguration, plane: String?) throws {
        let count = pipeline.sources.count
        if plane != nil { throw ValidationError("--plane picks one plane; \(count) cameras take a plane each, bottom to top") }
        if pipeline.sink.legacy { throw ValidationError("--legacy shows one plane; \(count) cameras need atomic commits") }
    }

    /// The pipeline, set up, with the flags that are not part of the file.
    func makePipeline(_ configuration: PipelineConfiguration) throws -> FramePipeline {
        let pipeline = try FramePipeline(configuration: configuration)
        if let commitLead = scheduling.commitLead { pipeline.commitLead = commitLead > 0 ? .fixed(.milliseconds(roundedToNanoseconds: commitLead)) : .immediate }
        return pipeline
    }
}
