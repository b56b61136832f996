/// What the scheduler needs from a display: put one buffer on screen with a
/// non-blocking commit, and report completed flips by buffer index.
package protocol DisplayQueue: AnyObject {
    /// Commits the framebuffer of capture buffer `index` (non-blocking, with
    /// a flip event carrying `index`). The first call also sets the mode.
    func show(_ index: BufferIndex) throws
    /// Reads pending events and reports each completed flip.
    func handleEvents(_ body: (FlipCompletion) -> Void) throws
}
