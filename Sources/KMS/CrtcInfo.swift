import Platform

/// A CRTC and what it is showing now.
/// The corresponding call is `drmModeGetCrtc`.
public struct CrtcInfo: Codable, Sendable, Equatable {
    /// The CRTC's object id.
    public var id: CrtcID
    /// Position in the card's CRTC list; the bit that stands for this CRTC
    /// in `possible_crtcs` masks.
    public var index: Int
    /// The mode being scanned out, nil when the CRTC is off.
    public var mode: DisplayMode?
    /// The framebuffer on the primary plane, nil when none.
    public var framebuffer: FramebufferID?
    /// Entries in the gamma lookup table; 0 when there is none.
    public var gammaSize: Int

    /// A CRTC description with these values; no checks.
    package init(id: CrtcID, index: Int, mode: DisplayMode?, framebuffer: FramebufferID?, gammaSize: Int) {
        self.id = id
        self.index = index
        self.mode = mode
        self.framebuffer = framebuffer
        self.gammaSize = gammaSize
    }
}
