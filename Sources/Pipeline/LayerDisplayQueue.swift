/// What the composite scheduler needs from a display: one commit carrying
/// a buffer (or nothing: plane off) for some of the sources, and the
/// completed flips.
package protocol LayerDisplayQueue: AnyObject {
    /// Commits `changes` (source position, that source's buffer index or
    /// nil to turn its plane off) non-blocking, with one flip event whose
    /// ``FlipCompletion/bufferIndex`` is `tag`. The first call sets the mode.
    func show(_ changes: [SourceChange], tag: UInt32) throws
    /// Reads pending events and reports each completed flip (its
    /// ``FlipCompletion/bufferIndex`` is the commit's tag).
    func handleEvents(_ body: (FlipCompletion) -> Void) throws
}

/// One source's part of a composite commit: its new buffer, or nil when
/// its plane goes off.
package struct SourceChange: Sendable, Equatable {
    /// The source's position in the pipeline's list (its layer).
    package var source: Int
    /// The buffer to show, nil to turn the plane off.
    package var buffer: BufferIndex?

    package init(source: Int, buffer: BufferIndex?) {
        self.source = source
        self.buffer = buffer
    }
}
