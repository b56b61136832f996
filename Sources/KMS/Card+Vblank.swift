import Platform

/// A CRTC's vblank clock, for starting a camera at a chosen phase.
extension Card {
    /// The count and CLOCK_MONOTONIC time (ns) of the last vblank of
    /// `crtc`, which must be on (its vblanks running).
    ///
    /// The corresponding ioctl is `DRM_IOCTL_CRTC_GET_SEQUENCE`.
    package func lastVblank(of crtc: CrtcID) throws(DeviceError) -> (sequence: UInt64, nanoseconds: Int64) {
        var sequence: UInt64 = 0
        var nanoseconds: UInt64 = 0
        let descriptor = fd.rawValue
        let drm = self.drm
        _ = try checkedCall("drmCrtcGetSequence", device: path) {
            drm.drmCrtcGetSequence(descriptor, crtc.rawValue, &sequence, &nanoseconds)
        }
        return (sequence, Int64(clamping: nanoseconds))
    }
}
