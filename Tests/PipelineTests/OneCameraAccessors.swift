import KMS
@testable import Pipeline
import V4L2

/// The tests of one camera read the first (only) source through these, as
/// they did before one runtime served one camera and several.
extension FramePipeline {
    var plan: PipelinePlan { sources[0].plan }
    var candidate: PipelineCandidate { sources[0].candidate }
    var captureFormat: CaptureFormat { stream(of: 0).format }
    var stream: CaptureStream { stream(of: 0) }
    var framebuffers: [FramebufferID] { runtime.runs[0].framebuffers }
    var cameraPath: String { runtime.runs[0].cameraPath }

    /// ``withFramesOnScreen(_:)`` for the first source's buffer.
    func withFrameOnScreen<Result>(_ body: (BufferIndex) throws -> Result) throws -> Result {
        try withFramesOnScreen { buffers in
            guard let index = buffers[0] else { throw PipelineError.flipTimedOut(device: display.card.path, after: flipTimeout) }
            return try body(index)
        }
    }
}

extension PipelineSummary {
    /// The first source's counters.
    var statistics: PipelineStatistics { sources[0].statistics }
    var latency: LatencySummary { sources[0].latency }
    var camera: String { sources[0].camera }
    var format: String { sources[0].format }
    var width: Int { sources[0].width }
    var height: Int { sources[0].height }
    var bufferCount: Int { sources[0].bufferCount }
    var plane: UInt32? { sources[0].plane }
    var memory: String { sources[0].memory }
    var placement: String { sources[0].placement }
    var plan: String { sources[0].plan }
    var copy: CopyStatistics? { sources[0].copy }
    var copyPath: String? { sources[0].copyPath?.path }
    var framebuffersFromCaptureBuffers: Int { sources[0].framebuffersFromCaptureBuffers }
    var shownPerSecond: Double { sources[0].shownPerSecond }
}

extension PipelineSnapshot {
    /// The first source's buffer on screen and its layout.
    var bufferIndex: BufferIndex { BufferIndex(layers[0].bufferIndex ?? -1) }
    var layout: PlaneLayout { layers[0].layout }
}
