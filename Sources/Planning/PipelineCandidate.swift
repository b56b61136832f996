import KMS
import V4L2

/// One complete way to run the pipeline: who allocates, what the camera
/// captures, and how the display shows it.
public struct PipelineCandidate: Sendable, Equatable, CustomStringConvertible {
    /// Who allocates the frame buffers.
    public var memory: FrameMemory
    /// The format both sides use.
    public var pixelFormat: PixelFormat
    /// What to ask the camera for (the stride is settled when the buffers
    /// are allocated).
    public var capture: CaptureConfiguration
    /// How the display shows the frames.
    public var display: DisplayPlan
    /// On the copy path with software scaling: the display buffers' size
    /// and where in them each frame is converted to (scaled by libyuv,
    /// keeping its aspect ratio; the rest stays black). Nil: buffers of
    /// the frame's size, unscaled.
    public var copyLayout: CopyLayout?

    /// A candidate with these parts.
    package init(memory: FrameMemory, pixelFormat: PixelFormat, capture: CaptureConfiguration, display: DisplayPlan) {
        self.memory = memory
        self.pixelFormat = pixelFormat
        self.capture = capture
        self.display = display
    }

    /// "camera memory, XRGB8888 640x480 → plane 33 (overlay) ...".
    public var description: String {
        let scaled = copyLayout.map { " scaled by libyuv to \($0.targetDescription)" } ?? ""
        return "\(memory), \(pixelFormat.name) \(capture.width)x\(capture.height)\(scaled) → \(display)"
    }
}
