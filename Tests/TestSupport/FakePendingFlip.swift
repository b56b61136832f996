/// A commit or page flip in flight on a CRTC: it completes at the next
/// vblank, then sends its event (if asked for) to the client that made it.
struct FakePendingFlip {
    let client: FakeDRMClient
    let userData: UInt64
    let sendsEvent: Bool
}
