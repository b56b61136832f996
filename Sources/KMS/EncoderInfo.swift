import Platform

/// An encoder, kept for the CRTCs it can reach.
/// The corresponding call is `drmModeGetEncoder`.
public struct EncoderInfo: Codable, Sendable, Equatable {
    /// The encoder's object id.
    public var id: EncoderID
    /// "TMDS", "Virtual", ... (`DRM_MODE_ENCODER_*`).
    public var typeName: String
    /// The CRTC it is attached to now (`drmModeEncoder.crtc_id`); nil when none.
    public var currentCrtc: CrtcID?
    /// The CRTCs it can be attached to, decoded from its `possible_crtcs` mask,
    /// in resource order.
    public var possibleCrtcs: [CrtcID]

    /// An encoder description with these values; no checks.
    package init(id: EncoderID, typeName: String, currentCrtc: CrtcID?, possibleCrtcs: [CrtcID]) {
        self.id = id
        self.typeName = typeName
        self.currentCrtc = currentCrtc
        self.possibleCrtcs = possibleCrtcs
    }
}
