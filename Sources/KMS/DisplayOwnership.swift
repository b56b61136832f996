import Platform

/// What a display holds on its card besides framebuffers and mode blobs:
/// DRM master, and the display state found at setup (with the property ids
/// read along with it), taken together when the display is set up and
/// given back together when it ends.
///
/// Setup takes master first (another program holding it is the one error
/// worth a message of its own), then reads the state of everything the
/// display may touch: the CRTC, every connector routed to it (and the
/// plan's and writeback's), and each plane of the CRTC and of the
/// candidates. Master is dropped again when reading fails.
struct DisplayOwnership {
    /// The card whose master and state these are.
    let card: Card
    /// The ids and found values of the properties of the saved objects;
    /// nil on a card without atomic.
    let propertyCache: PropertyIDCache?
    /// What was on screen before the display changed anything.
    let saved: SavedDisplayState
    /// Whether DRM master is still ours to drop.
    private(set) var holdsMaster: Bool

    /// Takes DRM master and saves the state `plan`, `candidates` (sharing
    /// its connector and CRTC) and `extraPlanes` may change.
    ///
    /// - Throws: `DisplayError.masterHeld` when another program holds
    ///   master; `DisplayError` or `DeviceError` when reading fails.
    ///
    /// The corresponding calls are `drmSetMaster`, `drmModeObjectGetProperties`
    /// and `drmModeGetCrtc`.
    init(card: Card, info: CardInfo, plan: DisplayPlan, candidates: [DisplayPlan], alsoSaving extraPlanes: [PlaneID]) throws {
        try Self.acquireMaster(card)
        do {
            var cache: PropertyIDCache?
            var savedConnectors: [ConnectorID] = []
            var planes = plan.planesOnCrtc
            for candidate in candidates {
                if let plane = candidate.plane?.id, !planes.contains(plane) { planes.append(plane) }
            }
            for plane in extraPlanes where !planes.contains(plane) { planes.append(plane) }
            if card.capabilities.atomic {
                var loading = PropertyIDCache(device: card.path)
                try loading.load(plan.crtc, from: card)
                for connector in info.connectors {
                    try loading.load(connector.id, from: card)
                    let routed = try loading.loadedValue(of: "CRTC_ID", on: connector.id) == UInt64(plan.crtc.rawValue)
                    if routed || connector.id == plan.connector.id || connector.id == plan.writeback?.id {
                        savedConnectors.append(connector.id)
                    }
                }
                for plane in planes {
                    try loading.load(plane, from: card)
                }
                cache = loading
            }
            saved = try SavedDisplayState.capture(
                card: card, info: info, cache: cache, crtc: plan.crtc, connectors: savedConnectors, planes: planes)
            propertyCache = cache
        } catch {
            try? Self.dropMaster(card)
            throw error
        }
        self.card = card
        holdsMaster = true
    }

    /// Puts the saved state back (``SavedDisplayState/restore(card:cache:planesToClear:modeKept:)``),
    /// planes only when the CRTC was found in `plan`'s mode.
    func restore(planesToClear: [PlaneID], shown plan: DisplayPlan) throws {
        try saved.restore(card: card, cache: propertyCache, planesToClear: planesToClear, modeKept: saved.showsMode(of: plan))
    }

    /// Drops DRM master, once; later calls do nothing.
    ///
    /// The corresponding call is `drmDropMaster`.
    mutating func releaseMaster() throws(DeviceError) {
        guard holdsMaster else { return }
        holdsMaster = false
        try Self.dropMaster(card)
    }

    /// The corresponding call is `drmSetMaster`.
    private static func acquireMaster(_ card: Card) throws(DisplayError) {
        let descriptor = card.fd.rawValue
        let drm = card.drm
        do {
            try checkedCall("drmSetMaster", device: card.path) { drm.drmSetMaster(descriptor) }
        } catch {
            throw .masterHeld(device: card.path, errnoCode: error.errnoCode)
        }
    }

    /// The corresponding call is `drmDropMaster`.
    private static func dropMaster(_ card: Card) throws(DeviceError) {
        let descriptor = card.fd.rawValue
        let drm = card.drm
        try checkedCall("drmDropMaster", device: card.path) { drm.drmDropMaster(descriptor) }
    }
}
