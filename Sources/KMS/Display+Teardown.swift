import CDRM
import Platform

#if canImport(Glibc)
import Glibc
#endif

/// Putting the display back as it was found, and DRM master.
extension Display {
    /// Puts back the display state found at setup with one commit (which may
    /// modeset), after waiting up to 100 ms for a commit in flight. The next
    /// ``show(framebuffer:tag:)`` sets the mode again.
    public func restore() throws {
        guard state != .closed else { throw DisplayError.closed(device: card.path) }
        try restoreSavedState()
    }

    func restoreSavedState() throws {
        // A failure while waiting (reading the events) must not skip the
        // restore: close() removes our framebuffers next, and the kernel
        // would turn off the planes still showing them. The restore commit
        // is blocking, so it waits for the commit in flight anyway.
        var settleError: (any Error)?
        do {
            try settlePendingFlip(timeoutMilliseconds: 100)
        } catch {
            settleError = error
        }
        guard state != .idle else {
            if let settleError { throw settleError }
            return
        }
        var planesToClear = activePlane.map { [$0.id] } ?? []
        for (layer, plan) in layerPlans.enumerated() where layersOn.indices.contains(layer) && layersOn[layer] {
            if let plane = plan.plane?.id, !planesToClear.contains(plane) { planesToClear.append(plane) }
        }
        // Whatever happens now, the display no longer shows our frames as
        // far as this object is concerned.
        state = .idle
        activePlane = nil
        flipSlot = nil
        layersOn = layersOn.map { _ in false }
        do {
            try saved.restore(card: card, cache: propertyCache, planesToClear: planesToClear, modeKept: keepsCurrentMode(plan))
        } catch {
            throw settleError ?? error
        }
        if let settleError { throw settleError }
    }

    /// Ends the display: waits (bounded) for a commit in flight, restores
    /// the saved state, removes every framebuffer it owns (closing each
    /// distinct GEM handle once), destroys its mode blob and drops DRM
    /// master. Idempotent; a card that has gone away (ENODEV) is not an error.
    ///
    /// - Returns: the errors met, in order; every step runs regardless.
    @discardableResult
    public func close() -> [any Error] {
        guard state != .closed else { return [] }
        var errors: [any Error] = []
        func attempt(_ body: () throws -> Void) {
            do {
                try body()
            } catch let error as DeviceError where error.errnoCode == ENODEV {
                // Unplugged: the kernel has let go of everything.
            } catch {
                errors.append(error)
            }
        }
        attempt { try restoreSavedState() }
        state = .closed
        for blob in modeBlobs.values.sorted(by: { $0.rawValue < $1.rawValue }) {
            attempt { try card.destroyBlob(blob) }
        }
        modeBlobs.removeAll()
        for framebuffer in framebuffers.values.sorted(by: { $0.id.rawValue < $1.id.rawValue }) {
            attempt { try card.removeFramebuffer(framebuffer) }
        }
        framebuffers.removeAll()
        if holdsMaster {
            holdsMaster = false
            attempt { try Self.dropMaster(card) }
        }
        return errors
    }

    /// The corresponding call is `drmSetMaster`.
    static func acquireMaster(_ card: Card) throws(DisplayError) {
        let descriptor = card.fd.rawValue
        let drm = card.drm
        do {
            try checkedCall("drmSetMaster", device: card.path) { drm.drmSetMaster(descriptor) }
        } catch {
            throw .masterHeld(device: card.path, errnoCode: error.errnoCode)
        }
    }

    /// The corresponding call is `drmDropMaster`.
    static func dropMaster(_ card: Card) throws(DeviceError) {
        let descriptor = card.fd.rawValue
        let drm = card.drm
        try checkedCall("drmDropMaster", device: card.path) { drm.drmDropMaster(descriptor) }
    }

    static func releaseMaster(_ card: Card) {
        try? dropMaster(card)
    }
}
