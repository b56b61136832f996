import CDRM
import Logging
import Platform

#if canImport(Glibc)
import Glibc
#endif

/// What a card and the client caps we asked for allow. The pipeline checks
/// these before choosing a path (zero-copy import needs `primeImport`,
/// pacing needs `atomic`).
///
/// Device capabilities come from `drmGetCap` (`DRM_CAP_*`); a cap the kernel
/// does not know reads as false. Client capabilities record whether
/// `drmSetClientCap` (`DRM_CLIENT_CAP_*`) succeeded when the card was opened.
public struct CardCapabilities: Codable, Sendable, Equatable {
    /// Dumb (CPU-mappable, scan-out-able) buffers can be created (`DRM_CAP_DUMB_BUFFER`).
    public var dumbBuffer: Bool
    /// dma-buf fds can be imported as GEM handles (`DRM_PRIME_CAP_IMPORT` in `DRM_CAP_PRIME`).
    public var primeImport: Bool
    /// GEM handles can be exported as dma-buf fds (`DRM_PRIME_CAP_EXPORT` in `DRM_CAP_PRIME`).
    public var primeExport: Bool
    /// Framebuffers can carry explicit format modifiers (`DRM_CAP_ADDFB2_MODIFIERS`).
    public var addFramebuffer2Modifiers: Bool
    /// Page flips may complete outside vblank (`DRM_CAP_ASYNC_PAGE_FLIP`).
    public var asyncPageFlip: Bool
    /// Vblank and flip timestamps are CLOCK_MONOTONIC (`DRM_CAP_TIMESTAMP_MONOTONIC`),
    /// so they compare directly with V4L2 buffer timestamps.
    public var timestampMonotonic: Bool
    /// Flip events name the CRTC they belong to (`DRM_CAP_CRTC_IN_VBLANK_EVENT`).
    public var crtcInVblankEvent: Bool
    /// The atomic API is enabled for this client (`DRM_CLIENT_CAP_ATOMIC`).
    public var atomic: Bool
    /// Primary and cursor planes are listed too (`DRM_CLIENT_CAP_UNIVERSAL_PLANES`).
    public var universalPlanes: Bool
    /// Writeback connectors are listed (`DRM_CLIENT_CAP_WRITEBACK_CONNECTORS`).
    public var writebackConnectors: Bool

    /// Capabilities with these values; everything false by default, as for a
    /// card that reports nothing.
    package init(
        dumbBuffer: Bool = false, primeImport: Bool = false, primeExport: Bool = false,
        addFramebuffer2Modifiers: Bool = false, asyncPageFlip: Bool = false,
        timestampMonotonic: Bool = false, crtcInVblankEvent: Bool = false,
        atomic: Bool = false, universalPlanes: Bool = false, writebackConnectors: Bool = false
    ) {
        self.dumbBuffer = dumbBuffer
        self.primeImport = primeImport
        self.primeExport = primeExport
        self.addFramebuffer2Modifiers = addFramebuffer2Modifiers
        self.asyncPageFlip = asyncPageFlip
        self.timestampMonotonic = timestampMonotonic
        self.crtcInVblankEvent = crtcInVblankEvent
        self.atomic = atomic
        self.universalPlanes = universalPlanes
        self.writebackConnectors = writebackConnectors
    }
}
