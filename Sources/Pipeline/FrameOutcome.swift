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
}
