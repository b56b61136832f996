/// A completed flip waiting in a client's queue: what the kernel's
/// `struct drm_event_vblank` carries.
struct FakeFlipEvent {
    var crtc: UInt32
    var sequence: UInt32
    var seconds: UInt32
    var microseconds: UInt32
    var userData: UInt64
}
