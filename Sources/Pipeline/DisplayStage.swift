import KMS
import Platform

/// The display as the scheduler sees it: per source, buffer indices in;
/// one commit of every change; flips out. Each source's buffers were
/// imported as framebuffers once at setup, by buffer index, so nothing is
/// looked up on the frame path. One source on a display that was not set
/// up as a composition (the candidate search's single plane, or the legacy
/// path) is shown with ``Display/show(framebuffer:tag:)``; several with
/// ``Display/showLayers(_:tag:)``.
final class DisplayStage: DisplayQueue {
    let display: Display
    /// Each source's framebuffers, by buffer index (a source's list is
    /// replaced when its camera comes back).
    var framebuffers: [[FramebufferID]]
    /// The commit's changes in the display's terms (capacity kept).
    private var layerChanges: [LayerChange] = []

    init(display: Display, framebuffers: [[FramebufferID]]) {
        self.display = display
        self.framebuffers = framebuffers
        layerChanges.reserveCapacity(framebuffers.count)
    }

    func show(_ changes: [SourceChange], tag: UInt32) throws {
        if display.layerPlans.isEmpty, changes.count == 1, let change = changes.first, let buffer = change.buffer {
            return try display.show(framebuffer: framebuffers[change.source][buffer.rawValue], tag: tag)
        }
        layerChanges.removeAll(keepingCapacity: true)
        for change in changes {
            layerChanges.append(LayerChange(layer: change.source, framebuffer: change.buffer.map { framebuffers[change.source][$0.rawValue] }))
        }
        try display.showLayers(layerChanges, tag: tag)
    }

    func handleEvents(_ body: (FlipCompletion) -> Void) throws {
        try display.handleEvents { event in
            body(FlipCompletion(tag: event.tag, vblankSequence: event.sequence, timestampNanoseconds: Int64(clamping: event.timestampNanoseconds)))
        }
    }
}
