import Platform

/// A plane and what it can show.
/// The corresponding call is `drmModeGetPlane`.
public struct PlaneInfo: Codable, Sendable, Equatable {
    /// The plane's object id.
    public var id: PlaneID
    /// Its role, from the immutable "type" property; overlay when the
    /// property is missing.
    public var type: PlaneType
    /// The CRTC it is showing on now (`drmModePlane.crtc_id`); nil when off.
    public var currentCrtc: CrtcID?
    /// The framebuffer it shows now (`drmModePlane.fb_id`); nil when none.
    public var currentFramebuffer: FramebufferID?
    /// Decoded from the plane's `possible_crtcs` against the card's CRTC order.
    public var possibleCrtcs: [CrtcID]
    /// In the kernel's order.
    public var formats: [PlaneFormat]

    /// A plane description with these values; no checks.
    package init(
        id: PlaneID, type: PlaneType, currentCrtc: CrtcID?, currentFramebuffer: FramebufferID?,
        possibleCrtcs: [CrtcID], formats: [PlaneFormat]
    ) {
        self.id = id
        self.type = type
        self.currentCrtc = currentCrtc
        self.currentFramebuffer = currentFramebuffer
        self.possibleCrtcs = possibleCrtcs
        self.formats = formats
    }
}
