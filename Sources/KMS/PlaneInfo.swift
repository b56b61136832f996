import Platform

/// A plane and what it can show.
/// The corresponding call is `drmModeGetPlane`.
public struct PlaneInfo: Codable, Sendable, Equatable {
    public var id: PlaneID
    public var type: PlaneType
    public var currentCrtc: CrtcID?
    public var currentFramebuffer: FramebufferID?
    /// Decoded from the plane's `possible_crtcs` against the card's CRTC order.
    public var possibleCrtcs: [CrtcID]
    /// In the kernel's order.
    public var formats: [PlaneFormat]

    public init(
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
