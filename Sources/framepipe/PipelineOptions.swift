import ArgumentParser
import FramePipe

/// The pipeline file and the flags that override it, shared by `preview`
/// and `bench`.
struct PipelineOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A pipeline file (JSON, see configs/).", valueName: "file"), completion: .file(extensions: ["json"]))
    var config: String?

    @Option(help: ArgumentHelp("V4L2 capture device, overriding source.device.", valueName: "path"))
    var device: String?

    @Option(help: ArgumentHelp("DRM card, overriding sink.card.", valueName: "path"))
    var card: String?

    @Option(help: ArgumentHelp("Connector name (e.g. Virtual-1, HDMI-A-1), overriding sink.connector.", valueName: "name"))
    var connector: String?

    @Option(help: ArgumentHelp("Display mode WxH or WxH@Hz, overriding sink.mode.", valueName: "mode"))
    var mode: String?

    @Option(help: ArgumentHelp("Plane: auto, primary, overlay or an id, overriding sink.plane.", valueName: "plane"))
    var plane: String?

    @Flag(help: "Use legacy KMS (SetCrtc + PageFlip) even when atomic is available.")
    var legacy = false

    @Option(help: ArgumentHelp(
        "Who allocates the frame buffers: auto, camera, display, heap or heap:NAME, overriding source.memory.", valueName: "memory"))
    var memory: String?

    func validate() throws {
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
        if let device { pipeline.source.device = device }
        if let card { pipeline.sink.card = card }
        if let connector { pipeline.sink.connector = connector }
        if let mode { pipeline.sink.mode = ModeRequest(parsing: mode) }
        if let plane, let request = PlaneRequest(parsing: plane) { pipeline.sink.plane = request }
        if legacy { pipeline.sink.legacy = true }
        if let memory, let request = MemoryRequest(parsing: memory) { pipeline.source.memory = request }
        return pipeline
    }
}
