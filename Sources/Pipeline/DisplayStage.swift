import KMS
import Platform

/// The display as the scheduler sees it: buffer indices in, buffer indices
/// out. Each capture buffer's framebuffer was imported once at setup; a
/// commit names it by position, and its flip event carries the buffer index
/// as its tag, so nothing is looked up on the frame path.
final class DisplayStage: DisplayQueue {
    let display: Display
    /// The framebuffer of each capture buffer, by buffer index.
    let framebuffers: [FramebufferID]

    init(display: Display, framebuffers: [FramebufferID]) {
        self.display = display
        self.framebuffers = framebuffers
    }

    func show(_ index: BufferIndex) throws {
        try display.show(framebuffer: framebuffers[index.rawValue], tag: UInt32(index.rawValue))
    }

    func handleEvents(_ body: (FlipCompletion) -> Void) throws {
        try display.handleEvents { event in
            body(FlipCompletion(
                bufferIndex: BufferIndex(Int(event.tag)), vblankSequence: event.sequence,
                timestampNanoseconds: Int64(clamping: event.timestampNanoseconds)))
        }
    }
}
