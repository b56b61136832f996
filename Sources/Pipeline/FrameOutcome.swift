/// What became of one camera frame.
public enum FrameOutcome: String, Sendable, Codable, Equatable {
    /// A flip put it on screen.
    case shown
    /// A newer frame was ready before it could be committed (mailbox).
    case superseded
    /// The camera flagged the buffer with V4L2_BUF_FLAG_ERROR.
    case cameraError
    /// The camera never delivered it (a gap in its sequence numbers).
    case droppedByCamera
    /// Still ready or committed when the run stopped.
    case inFlight
    /// Not shown, on purpose: the third frame in a row that arrived in time
    /// for a vblank but had to wait for the previous flip; dropping it
    /// lets the following frames land a vblank earlier (see the scheduler).
    case droppedToCatchUp
}
