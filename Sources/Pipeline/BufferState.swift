/// Where one buffer of a lane's pool is in its life. A buffer cycles
/// `inCamera → ready → held → released → inCamera`; a ready buffer that a
/// newer one supersedes, or one the camera flagged as bad, goes straight
/// back to `inCamera`. Which consumer holds it (and, for a display, whether
/// it is committed or on screen) is the consumer's side of the story: the
/// pool counts the holders.
package enum BufferState: String, Sendable, Equatable, CaseIterable {
    /// Owned by the camera: it may be writing into it right now.
    case inCamera
    /// Dequeued with a good frame, held by no consumer yet.
    case ready
    /// At least one consumer may read it (a display from its commit until
    /// the flip that replaced it).
    case held
    /// Every consumer let go: on its way back to the camera.
    case released
}
