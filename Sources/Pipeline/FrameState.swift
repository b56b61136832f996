/// Where one capture buffer is in its life. A buffer cycles
/// `queuedInCamera → ready → committed → onScreen → released → queuedInCamera`;
/// a ready buffer that a newer one supersedes, or one the camera flagged as
/// bad, goes straight back to `queuedInCamera`.
public enum FrameState: String, Sendable, Equatable, CaseIterable {
    /// Owned by the camera: it may be writing into it right now.
    case queuedInCamera
    /// Dequeued with a good frame, waiting to be committed to the display.
    case ready
    /// Named in an atomic commit whose flip has not completed yet.
    case committed
    /// Being scanned out. The display reads it until the next flip completes.
    case onScreen
    /// Replaced on screen by a completed flip: no display reference left, on
    /// its way back to the camera.
    case released
}
