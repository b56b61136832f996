import ArgumentParser
import Pipeline

/// The pipeline file and the flags that override it, shared by `preview`
/// and `bench`.
struct PipelineOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A pipeline file (JSON, see configs/).", valueName: "file"))
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

    func validate() throws {
        if let mode, !SinkConfiguration.isModeText(mode) {
            throw ValidationError("--mode expects WIDTHxHEIGHT or WIDTHxHEIGHT@RATE (e.g. 1024x768), got \(mode)")
        }
        if let plane, !SinkConfiguration.isPlaneText(plane) {
            throw ValidationError("--plane expects auto, primary, overlay or a plane id, got \(plane)")
        }
    }

    /// The file (or the defaults) with the flags applied.
    func load() throws -> PipelineConfiguration {
        var pipeline = try config.map { try PipelineConfiguration.load(path: $0) } ?? PipelineConfiguration()
        if let device { pipeline.source.device = device }
        if let card { pipeline.sink.card = card }
        if let connector { pipeline.sink.connector = connector }
        if let mode { pipeline.sink.mode = mode }
        if let plane { pipeline.sink.plane = plane }
        if legacy { pipeline.sink.legacy = true }
        return pipeline
    }
}
