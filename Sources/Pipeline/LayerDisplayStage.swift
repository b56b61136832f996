import KMS
import Platform

/// The display as the composite scheduler sees it: per source, buffer
/// indices in; one commit of every change; flips out. Each source's
/// framebuffers were imported once at setup, by buffer index.
final class LayerDisplayStage: LayerDisplayQueue {
    let display: Display
    /// Each source's framebuffers, by buffer index.
    let framebuffers: [[FramebufferID]]
    /// The commit's changes in the display's terms (capacity kept).
    private var layerChanges: [LayerChange] = []

    init(display: Display, framebuffers: [[FramebufferID]]) {
        self.display = display
        self.framebuffers = framebuffers
        layerChanges.reserveCapacity(framebuffers.count)
    }

    func show(_ changes: [SourceChange], tag: UInt32) throws {
        layerChanges.removeAll(keepingCapacity: true)
        for change in changes {
            layerChanges.append(LayerChange(layer: change.source, framebuffer: change.buffer.map { framebuffers[change.source][$0.rawValue] }))
        }
        try display.showLayers(layerChanges, tag: tag)
    }

    func handleEvents(_ body: (FlipCompletion) -> Void) throws {
        try display.handleEvents { event in
            body(FlipCompletion(
                bufferIndex: BufferIndex(Int(event.tag)), vblankSequence: event.sequence,
                timestampNanoseconds: Int64(clamping: event.timestampNanoseconds)))
        }
    }
}
