/// Where a display is in its life (``Display/State``), as its
/// ``FlipStateMachine`` moves it on.
package enum DisplayState: Sendable, Equatable {
    /// Set up (or restored): nothing of ours is on screen; the next
    /// ``Display/show(framebuffer:tag:)`` sets the mode.
    case idle
    /// The modeset commit was issued; its event has not arrived.
    case modesetPending
    /// A frame of ours is on screen and no commit is in flight.
    case showing
    /// A page flip was issued; its event has not arrived.
    case flipPending
    /// Closed: the saved state is back and every framebuffer is removed.
    case closed
}
