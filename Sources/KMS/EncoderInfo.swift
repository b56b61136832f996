import Platform

/// An encoder, kept for the CRTCs it can reach.
/// The corresponding call is `drmModeGetEncoder`.
public struct EncoderInfo: Codable, Sendable, Equatable {
    public var id: EncoderID
    /// "TMDS", "Virtual", ... (`DRM_MODE_ENCODER_*`).
    public var typeName: String
    public var currentCrtc: CrtcID?
    public var possibleCrtcs: [CrtcID]

    public init(id: EncoderID, typeName: String, currentCrtc: CrtcID?, possibleCrtcs: [CrtcID]) {
        self.id = id
        self.typeName = typeName
        self.currentCrtc = currentCrtc
        self.possibleCrtcs = possibleCrtcs
    }
}
