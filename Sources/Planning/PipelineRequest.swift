import Configuration
import KMS
import Platform
import V4L2

/// What a pipeline configuration asks of the two devices, resolved against
/// what they offer: the pixel format both sides share, what to ask the
/// camera for, and what to ask the display for.
///
/// ``resolve(_:cameraFormats:camera:card:)`` is a pure function of the
/// configuration and the two devices' descriptions (no device calls), so
/// every rule of it is unit-tested without hardware. Mode and plane text
/// was parsed once, when the configuration was read (``ModeRequest``,
/// ``PlaneRequest``).
package struct PipelineRequest: Sendable, Equatable {
    /// The format shared by camera and display (one entry of the V4L2 ↔ DRM table).
    package var pixelFormat: PixelFormat
    /// What to ask the camera for (`VIDIOC_S_FMT`, `VIDIOC_S_PARM`, controls, buffers).
    package var capture: CaptureConfiguration
    /// What to ask the display for (connector, mode, plane, position).
    package var display: DisplaySelection

    /// The request with these parts.
    package init(pixelFormat: PixelFormat, capture: CaptureConfiguration, display: DisplaySelection) {
        self.pixelFormat = pixelFormat
        self.capture = capture
        self.display = display
    }

    /// Resolves `configuration` for a camera that captures `cameraFormats`
    /// (V4L2 fourccs) and the card `card` describes.
    ///
    /// - Throws: ``NegotiationError`` when the two share no format (or the
    ///   camera lacks the one requested).
    package static func resolve(
        _ configuration: PipelineConfiguration, cameraFormats: [FourCC], camera: String, card: CardInfo
    ) throws(NegotiationError) -> PipelineRequest {
        let pixelFormat = try negotiatePixelFormat(
            requested: configuration.source.format, cameraFormats: cameraFormats,
            displayFormats: displayFormats(card, plane: configuration.sink.plane), camera: camera, display: card.path)
        return make(configuration, pixelFormat: pixelFormat)
    }

    /// The request for `configuration` with `pixelFormat`: the camera asked
    /// for the configured size, buffers, rate and controls in that format;
    /// the display for frames of that size and format with the configured
    /// connector, mode, plane, position and legacy choice.
    package static func make(_ configuration: PipelineConfiguration, pixelFormat: PixelFormat) -> PipelineRequest {
        let source = configuration.source
        let sink = configuration.sink
        let capture = CaptureConfiguration(
            fourcc: pixelFormat.v4l2, width: UInt32(source.width), height: UInt32(source.height),
            bufferCount: source.buffers, frameInterval: source.frameRate.map(frameInterval(forRate:)),
            controls: source.controls)
        var display = DisplaySelection(
            frameWidth: source.width, frameHeight: source.height, format: pixelFormat.drm,
            mode: sink.mode, plane: sink.plane, forceLegacy: sink.legacy)
        display.connector = sink.connector.map { .named($0) }
        display.position = sink.position.map { PixelPoint(x: $0.x, y: $0.y) }
        return PipelineRequest(pixelFormat: pixelFormat, capture: capture, display: display)
    }

    /// The formats the planes that `plane` considers can scan out, in the
    /// card's order, without duplicates.
    static func displayFormats(_ card: CardInfo, plane: PlaneRequest) -> [FourCC] {
        var seen = Set<FourCC>()
        return card.planes.filter(plane.considers).flatMap { $0.formats.map(\.format) }.filter { seen.insert($0).inserted }
    }

    /// 1/rate as a fraction with a millisecond-ish denominator (25 fps is
    /// 1000/25000 s), as `VIDIOC_S_PARM` takes it.
    static func frameInterval(forRate rate: Double) -> Fraction {
        Fraction(numerator: 1000, denominator: UInt32((rate * 1000).rounded()))
    }
}
