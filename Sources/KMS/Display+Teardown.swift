import Platform

#if canImport(Glibc)
import Glibc
#endif

/// Putting the display back as it was found, and ending it.
extension Display {
    /// Puts back the display state found at setup with one commit (which may
    /// modeset), after waiting up to 100 ms for a commit in flight. The next
    /// ``show(framebuffer:tag:)`` sets the mode again.
    package func restore() throws {
        try flips.checkOpen()
        try restoreSavedState()
    }

    func restoreSavedState() throws {
        // The restore commit is blocking: it waits for a commit in flight anyway.
        try flips.restore(settlingFor: 100, crtc: plan.crtc) {
            var planesToClear = activePlane.map { [$0.id] } ?? []
            for plane in atomic?.planesOn ?? [] where !planesToClear.contains(plane) { planesToClear.append(plane) }
            // Whatever happens now, our frames are no longer on screen as
            // far as this object is concerned.
            activePlane = nil
            atomic?.restored()
            try ownership.restore(planesToClear: planesToClear, shown: plan)
        }
    }

    /// Ends the display: waits (bounded) for a commit in flight, restores
    /// the saved state, removes every framebuffer it owns (each distinct GEM
    /// handle closed once), destroys its mode blobs and drops DRM master.
    /// Idempotent; a card gone away (ENODEV) is not an error. Returns the
    /// errors met, in order: every step runs regardless.
    @discardableResult
    package func close() -> [any Error] {
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
        flips.close()
        for blob in atomic?.takeModeBlobs() ?? [] {
            attempt { try card.destroyBlob(blob) }
        }
        framebuffers.removeAll(attempt)
        attempt { try ownership.releaseMaster() }
        return errors
    }
}
