import CDRM
import Platform

/// The legacy (non-atomic) way to show frames, for cards without atomic or
/// when it is forced: `drmModeSetCrtc` sets the mode with the frame on the
/// CRTC's primary plane (panned to the layout's source offset),
/// `drmModePageFlip` changes the frame at a vblank with an event, and
/// `drmModeSetCrtc` puts back what the CRTC showed. Nothing can be asked
/// first (there is no TEST_ONLY): ``DisplayPlanner`` lists only plans these
/// calls can show.
package struct LegacyDisplayPath {
    /// The card whose CRTC the calls drive.
    package let card: Card

    /// The legacy calls on `card`.
    package init(card: Card) {
        self.card = card
    }

    /// Sets `plan`'s mode on its CRTC, routed to its connector, showing
    /// `framebuffer`. Blocking, and it sends no event: follow it with a
    /// ``pageFlip(_:to:userData:)`` to the same framebuffer so that a
    /// display's first frame ends in an event as every later one does.
    ///
    /// The corresponding call is `drmModeSetCrtc`.
    package func setMode(_ plan: DisplayPlan, showing framebuffer: FramebufferID) throws(DeviceError) {
        let descriptor = card.fd.rawValue
        let drm = card.drm
        var connector = plan.connector.id.rawValue
        var mode = plan.mode.timings.kernelModeInfo
        let crtc = plan.crtc.rawValue
        let x = UInt32(plan.layout.source.x), y = UInt32(plan.layout.source.y)
        try checkedCall("drmModeSetCrtc", device: card.path) {
            drm.drmModeSetCrtc(descriptor, crtc, framebuffer.rawValue, x, y, &connector, 1, &mode)
        }
    }

    /// Puts `framebuffer` on `crtc` at the next vblank; the flip event
    /// carries `userData`. Allocates nothing.
    ///
    /// The corresponding call is `drmModePageFlip` with `DRM_MODE_PAGE_FLIP_EVENT`.
    package func pageFlip(_ crtc: CrtcID, to framebuffer: FramebufferID, userData: UInt64) throws(DeviceError) {
        let descriptor = card.fd.rawValue
        let drm = card.drm
        let pointer = UnsafeMutableRawPointer(bitPattern: UInt(userData))
        try checkedCall("drmModePageFlip", device: card.path) {
            drm.drmModePageFlip(descriptor, crtc.rawValue, framebuffer.rawValue, UInt32(DRM_MODE_PAGE_FLIP_EVENT), pointer)
        }
    }

    /// Puts the CRTC back as `saved` found it: its framebuffer, panning
    /// offset, mode and connectors, or off if it was off.
    ///
    /// The corresponding call is `drmModeSetCrtc`.
    func restore(_ saved: SavedDisplayState.Legacy) throws(DeviceError) {
        let descriptor = card.fd.rawValue
        let drm = card.drm
        if var mode = saved.mode, saved.framebuffer != 0 {
            var connectors = saved.connectors
            try checkedCall("drmModeSetCrtc", device: card.path) {
                drm.drmModeSetCrtc(
                    descriptor, saved.crtc.rawValue, saved.framebuffer, saved.x, saved.y,
                    &connectors, Int32(connectors.count), &mode)
            }
        } else {
            try checkedCall("drmModeSetCrtc", device: card.path) {
                drm.drmModeSetCrtc(descriptor, saved.crtc.rawValue, 0, 0, 0, nil, 0, nil)
            }
        }
    }
}
