import ArgumentParser
import FramePipe

/// What framepipe may do to a camera's media-controller pipeline: the
/// flags `--media` and `--enable-media-links`, shared by `plan`, `preview`
/// and `bench` through ``PipelineOptions``.
struct MediaOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "For a camera behind a media controller (sensor → ISP/debayer → scaler → video node): auto (use the pipeline as configured when it gives the asked size, else configure the sensor mode, each pad and the scaler, and put the formats back at exit), as-is (never change a subdevice: a mismatch is an error naming the link) or persist (auto, leaving the formats set at exit), overriding source.media.",
        valueName: "policy"))
    var media: String?

    @Flag(help: ArgumentHelp(
        "For a camera behind a media controller: when nothing feeds an entity on the way from the sensor to the video node, enable a disabled link (what media-ctl -l does; it changes the board's routing), disabled again at exit unless --media persist. Not with --media as-is. Overrides source.enableMediaLinks."))
    var enableMediaLinks = false

    func validate() throws {
        if let media, MediaPolicy(rawValue: media) == nil {
            throw ValidationError("--media expects auto, as-is or persist, got \(media)")
        }
    }

    /// `source` with the flags applied.
    ///
    /// - Throws: `ValidationError` when links may be enabled but the
    ///   pipeline may not be changed.
    func apply(to source: inout SourceConfiguration) throws {
        if let media, let policy = MediaPolicy(rawValue: media) { source.media = policy }
        if enableMediaLinks { source.enableMediaLinks = true }
        if source.enableMediaLinks, source.media == .asIs {
            throw ValidationError("--enable-media-links changes the media pipeline, which --media as-is (or source.media \"as-is\") forbids; drop one of them")
        }
    }
}
