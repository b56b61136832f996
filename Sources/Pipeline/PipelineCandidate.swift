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

    /// A candidate with these parts.
    public init(memory: FrameMemory, pixelFormat: PixelFormat, capture: CaptureConfiguration, display: DisplayPlan) {
        self.memory = memory
        self.pixelFormat = pixelFormat
        self.capture = capture
        self.display = display
    }

    /// "camera memory, XRGB8888 640x480 → plane 33 (overlay) ...".
    public var description: String {
        "\(memory), \(pixelFormat.name) \(capture.width)x\(capture.height) → \(display)"
    }
}
