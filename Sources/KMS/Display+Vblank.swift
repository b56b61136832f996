import Platform

/// The CRTC's vblank clock, for starting a camera at a chosen phase.
extension Display {
    /// The count and CLOCK_MONOTONIC time (ns) of the last vblank of the
    /// plan's CRTC. The CRTC must be on (its vblanks running).
    ///
    /// The corresponding ioctl is `DRM_IOCTL_CRTC_GET_SEQUENCE`.
    public func lastVblank() throws -> (sequence: UInt64, nanoseconds: Int64) {
        var sequence: UInt64 = 0
        var nanoseconds: UInt64 = 0
        let descriptor = card.fd.rawValue
        let crtc = plan.crtc.rawValue
        _ = try checkedCall("drmCrtcGetSequence", device: card.path) {
            card.drm.drmCrtcGetSequence(descriptor, crtc, &sequence, &nanoseconds)
        }
        return (sequence, Int64(clamping: nanoseconds))
    }
}
