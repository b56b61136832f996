import KMS
import Platform
import V4L2

/// One source of a pipeline as set up: its camera, what the plan search
/// chose for it (allocator, format, plane and rectangles) and where on
/// screen it was asked to go.
public struct PipelineSource: Sendable {
    /// The camera's device node.
    public var camera: String
    /// The candidate chosen: allocator, format, display plan (its plane and layout).
    public var candidate: PipelineCandidate
    /// Every candidate considered for this source, with its outcome.
    public var plan: PipelinePlan
    /// The rectangle of the screen it was given: its `rect` or the layout
    /// preset's with several sources, nil for one source on the whole screen.
    public var region: PixelRectangle?
    /// The format the camera agreed to.
    public var captureFormat: CaptureFormat
    /// The camera's media-controller pipeline and the formats on its pads
    /// ("media /dev/media2 (vimc): Sensor A :0 SBGGR8_1X8/640x480 → ..."),
    /// nil for a plain V4L2 node.
    public var media: String? = nil
}
