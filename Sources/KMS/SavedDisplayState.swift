import CDRM
import Platform

#if canImport(Glibc)
import Glibc
#endif

/// The display state found before framepipe changed anything, so that it
/// can be put back with one commit at exit: the CRTC's mode and whether it
/// was on, which CRTC each affected connector was routed to, and for every
/// plane framepipe may touch, its framebuffer, CRTC and rectangles.
///
/// The mode is kept as the bytes of its blob, not the blob id: the blob
/// belonged to whoever set the mode (fbdev, a compositor) and the kernel
/// frees it once framepipe's own mode replaces it. Framebuffers are kept by
/// id: fbdev's framebuffer belongs to fbdev and stays valid.
struct SavedDisplayState {
    /// The plane properties saved and restored.
    static let planeProperties = ["FB_ID", "CRTC_ID", "SRC_X", "SRC_Y", "SRC_W", "SRC_H", "CRTC_X", "CRTC_Y", "CRTC_W", "CRTC_H"]

    /// What the atomic properties said (only on cards with atomic).
    struct Atomic {
        var crtc: CrtcID
        /// The MODE_ID blob's bytes; nil when the CRTC had no mode.
        var modeBytes: [UInt8]?
        var active: UInt64
        var connectors: [(ConnectorID, crtc: UInt64)]
        var planes: [(PlaneID, values: [(PropertyID, UInt64)])]
    }

    /// What `drmModeGetCrtc` said, for cards without atomic (see
    /// ``LegacyDisplayPath/restore(_:)``).
    struct Legacy {
        var crtc: CrtcID
        var framebuffer: UInt32
        var x: UInt32
        var y: UInt32
        var mode: drmModeModeInfo?
        var connectors: [UInt32]
    }

    var atomic: Atomic?
    var legacy: Legacy

    /// Reads the state. `cache` must hold the properties of `crtc`, the
    /// connectors and the planes (loaded now, so their values are current).
    static func capture(
        card: Card, info: CardInfo, cache: PropertyIDCache?, crtc: CrtcID,
        connectors: [ConnectorID], planes: [PlaneID]
    ) throws -> SavedDisplayState {
        var atomic: Atomic?
        if let cache {
            let modeID = try cache.loadedValue(of: "MODE_ID", on: crtc)
            let modeBytes = modeID == 0 ? nil : try card.blobBytes(BlobID(UInt32(truncatingIfNeeded: modeID)))
            let active = try cache.loadedValue(of: "ACTIVE", on: crtc)
            var connectorStates: [(ConnectorID, crtc: UInt64)] = []
            for connector in connectors {
                connectorStates.append((connector, try cache.loadedValue(of: "CRTC_ID", on: connector)))
            }
            var planeStates: [(PlaneID, values: [(PropertyID, UInt64)])] = []
            for plane in planes {
                var values: [(PropertyID, UInt64)] = []
                for name in planeProperties {
                    values.append((try cache.id(of: name, on: plane), try cache.loadedValue(of: name, on: plane)))
                }
                planeStates.append((plane, values))
            }
            atomic = Atomic(crtc: crtc, modeBytes: modeBytes, active: active, connectors: connectorStates, planes: planeStates)
        }

        let descriptor = card.fd.rawValue
        let current = try fetchObject("drmModeGetCrtc", device: card.path) { card.drm.drmModeGetCrtc(descriptor, crtc.rawValue) }
        defer { card.drm.drmModeFreeCrtc(current) }
        let driving = info.connectors.filter { connector in
            connector.currentEncoder.flatMap { id in info.encoders.first { $0.id == id }?.currentCrtc } == crtc
        }
        let legacy = Legacy(
            crtc: crtc, framebuffer: current.pointee.buffer_id, x: current.pointee.x, y: current.pointee.y,
            mode: current.pointee.mode_valid != 0 ? current.pointee.mode : nil,
            connectors: driving.map(\.id.rawValue))
        return SavedDisplayState(atomic: atomic, legacy: legacy)
    }

    /// Puts the saved state back with one blocking commit that may modeset.
    /// If that fails (a saved framebuffer has vanished, say), a second
    /// commit turns off `planesToClear` so that nothing framepipe owns stays
    /// on screen; the first error is thrown either way.
    ///
    /// `modeKept`: the first commit left the CRTC's mode, ACTIVE and routing
    /// as found, so only the planes are put back (no full modeset at exit
    /// either: no blank screen, no wait for the pipe to restart).
    func restore(card: Card, cache: PropertyIDCache?, planesToClear: [PlaneID], modeKept: Bool = false) throws {
        guard let atomic, let cache else {
            try LegacyDisplayPath(card: card).restore(legacy)
            return
        }
        var blob: BlobID?
        defer {
            if let blob { try? card.destroyBlob(blob) }
        }
        do {
            // Inside the do: a failure to make the mode's blob needs the
            // fallback as much as a refused commit does.
            var request = AtomicRequest()
            if !modeKept {
                blob = try atomic.modeBytes.map { (bytes) throws(DeviceError) in try card.createBlob(bytes) }
                try request.set(atomic.crtc, "MODE_ID", to: UInt64(blob?.rawValue ?? 0), using: cache)
                try request.set(atomic.crtc, "ACTIVE", to: atomic.active, using: cache)
                for (connector, crtc) in atomic.connectors {
                    try request.set(connector, "CRTC_ID", to: crtc, using: cache)
                }
            }
            for (plane, values) in atomic.planes {
                for (property, value) in values {
                    request.set(plane, property, to: value)
                }
            }
            try card.commit(request, flags: [.allowModeset])
        } catch {
            var fallback = AtomicRequest()
            for plane in planesToClear {
                _ = try? fallback.set(plane, "FB_ID", to: 0, using: cache)
                _ = try? fallback.set(plane, "CRTC_ID", to: 0, using: cache)
            }
            if !fallback.isEmpty { try? card.commit(fallback, flags: [.allowModeset]) }
            throw error
        }
    }

    /// Whether the CRTC was found on, driving the candidate's connector in
    /// the candidate's mode: then the first commit leaves mode, ACTIVE and
    /// routing alone and changes planes only, and so does the restore. A
    /// new MODE_ID blob would be a full modeset even for the same timings:
    /// the pipe is turned off and on (a blank screen, a slower first frame)
    /// and its vblanks restart.
    func showsMode(of candidate: DisplayPlan) -> Bool {
        guard let found = atomic, found.crtc == candidate.crtc, found.active == 1,
              let modeBytes = found.modeBytes, candidate.mode.timings.hasSameTimings(asBlob: modeBytes) else { return false }
        return found.connectors.contains { $0.0 == candidate.connector.id && $0.crtc == UInt64(candidate.crtc.rawValue) }
    }
}
