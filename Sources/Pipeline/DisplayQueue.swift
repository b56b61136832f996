/// What the scheduler needs from a display: one non-blocking commit
/// carrying a buffer (or nothing: plane off) for some of the sources, and
/// the completed flips.
package protocol DisplayQueue: AnyObject {
    /// Commits `changes` (source position, that source's buffer index or
    /// nil to turn its plane off) non-blocking, with one flip event whose
    /// ``FlipCompletion/tag`` is `tag`. The first call sets the mode.
    func show(_ changes: [SourceChange], tag: UInt32) throws
    /// Reads pending events and reports each completed flip.
    func handleEvents(_ body: (FlipCompletion) -> Void) throws
}
