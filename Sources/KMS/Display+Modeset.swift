import CDRM
import Platform

#if canImport(Glibc)
import Glibc
#endif

/// Choosing a plan and setting the mode with the first frame, atomically
/// (TEST_ONLY first) or with the legacy calls.
extension Display {
    /// Asks the kernel whether it would show `framebuffer` as `candidate`
    /// says: a TEST_ONLY commit of the whole modeset (connector, mode, CRTC,
    /// plane and rectangles, other planes off). Nothing on screen changes.
    /// On the legacy path nothing can be asked; the planner lists only plans
    /// the legacy calls can show, so the answer is yes.
    ///
    /// - Returns: nil when the kernel would take it, else its refusal
    ///   (EINVAL, ERANGE, ENOSPC, EOPNOTSUPP).
    /// - Throws: errors that mean "not at all" (no master, ENODEV, ...).
    ///
    /// The corresponding ioctl is `DRM_IOCTL_MODE_ATOMIC` with
    /// `DRM_MODE_ATOMIC_TEST_ONLY | DRM_MODE_ATOMIC_ALLOW_MODESET`.
    public func test(_ candidate: DisplayPlan, framebuffer: FramebufferID) throws -> DeviceError? {
        guard state != .closed else { throw DisplayError.closed(device: card.path) }
        guard usesAtomic else { return nil }
        guard let cache = propertyCache else { throw DisplayError.closed(device: card.path) }
        let request = try modesetRequest(candidate, framebuffer: framebuffer, modeBlob: try modeBlob(for: candidate.mode), cache: cache)
        return try card.testCommit(request)
    }

    /// Settles on `candidate` for the next modeset (the first frame, or the
    /// first after ``restore()``).
    public func select(_ candidate: DisplayPlan) {
        plan = candidate
        planIsSettled = true
    }

    /// Sets the mode showing `framebuffer` with a flip event carrying
    /// `userData`: with the selected plan, or else with the first candidate
    /// whose TEST_ONLY commit the kernel accepts.
    func setModeAtomically(showing framebuffer: ImportedFramebuffer, userData: UInt64) throws {
        guard let cache = propertyCache else { throw DisplayError.closed(device: card.path) }
        if !planIsSettled {
            var attempts: [String] = []
            var accepted: DisplayPlan?
            for candidate in candidates {
                if let rejection = try test(candidate, framebuffer: framebuffer.id) {
                    attempts.append("\(candidate): \(errnoName(rejection.errnoCode))")
                    logger.debug("plan rejected", metadata: ["device": "\(card.path)", "plan": "\(candidate)", "error": "\(rejection)"])
                    continue
                }
                accepted = candidate
                break
            }
            guard let accepted else { throw DisplayError.configurationRejected(device: card.path, attempts: attempts) }
            select(accepted)
        }
        let request = try modesetRequest(plan, framebuffer: framebuffer.id, modeBlob: try modeBlob(for: plan.mode), cache: cache)
        try card.commit(request, flags: [.allowModeset, .pageFlipEvent], userData: userData)
        activePlane = plan.plane
        if let plane = plan.plane {
            var flip = AtomicRequest()
            flipSlot = flip.set(plane.id, try cache.id(of: "FB_ID", on: plane.id), to: UInt64(framebuffer.id.rawValue))
            flipRequest = flip
        }
        logger.debug("mode set", metadata: ["device": "\(card.path)", "plan": "\(plan)"])
    }

    /// The property blob of `mode` (made once, destroyed at close).
    ///
    /// The corresponding call is `drmModeCreatePropertyBlob`.
    func modeBlob(for mode: DisplayMode) throws -> BlobID {
        if let blob = modeBlobs[mode.timings] { return blob }
        let blob = try card.createBlob(mode.timings.modeBlobBytes)
        modeBlobs[mode.timings] = blob
        return blob
    }

    private func modesetRequest(
        _ candidate: DisplayPlan, framebuffer: FramebufferID, modeBlob: BlobID, cache: PropertyIDCache
    ) throws -> AtomicRequest {
        guard let plane = candidate.plane?.id else { throw DisplayError.closed(device: card.path) }
        let layout = candidate.layout
        var request = AtomicRequest()
        try setMode(candidate, in: &request, modeBlob: modeBlob, cache: cache)
        try Self.setPlane(plane, in: &request, crtc: candidate.crtc, layout: layout, framebuffer: framebuffer, cache: cache)
        for other in candidate.planesTurnedOff {
            try request.set(other, "FB_ID", to: 0, using: cache)
            try request.set(other, "CRTC_ID", to: 0, using: cache)
        }
        return request
    }

    /// The connector's route, the mode and ACTIVE, unless the CRTC was
    /// found showing them (``keepsCurrentMode(_:)``).
    func setMode(_ candidate: DisplayPlan, in request: inout AtomicRequest, modeBlob: BlobID, cache: PropertyIDCache) throws {
        guard !keepsCurrentMode(candidate) else { return }
        try request.set(candidate.connector.id, "CRTC_ID", to: UInt64(candidate.crtc.rawValue), using: cache)
        try request.set(candidate.crtc, "MODE_ID", to: UInt64(modeBlob.rawValue), using: cache)
        try request.set(candidate.crtc, "ACTIVE", to: 1, using: cache)
    }

    /// `plane` on `crtc` showing `framebuffer` as `layout` says.
    static func setPlane(
        _ plane: PlaneID, in request: inout AtomicRequest, crtc: CrtcID, layout: PlaneLayout, framebuffer: FramebufferID,
        cache: PropertyIDCache
    ) throws {
        try request.set(plane, "FB_ID", to: UInt64(framebuffer.rawValue), using: cache)
        try request.set(plane, "CRTC_ID", to: UInt64(crtc.rawValue), using: cache)
        // Source coordinates are 16.16 fixed point; CRTC ones whole pixels.
        try request.set(plane, "SRC_X", to: UInt64(layout.source.x) << 16, using: cache)
        try request.set(plane, "SRC_Y", to: UInt64(layout.source.y) << 16, using: cache)
        try request.set(plane, "SRC_W", to: UInt64(layout.source.width) << 16, using: cache)
        try request.set(plane, "SRC_H", to: UInt64(layout.source.height) << 16, using: cache)
        try request.set(plane, "CRTC_X", to: UInt64(layout.destination.x), using: cache)
        try request.set(plane, "CRTC_Y", to: UInt64(layout.destination.y), using: cache)
        try request.set(plane, "CRTC_W", to: UInt64(layout.destination.width), using: cache)
        try request.set(plane, "CRTC_H", to: UInt64(layout.destination.height), using: cache)
    }

    /// Whether the CRTC was found on, driving the candidate's connector in
    /// the candidate's mode: then the first commit leaves mode, ACTIVE and
    /// routing alone and changes planes only. A new MODE_ID blob would be a
    /// full modeset even for the same timings: the pipe is turned off and
    /// on (a blank screen, a slower first frame) and its vblanks restart.
    func keepsCurrentMode(_ candidate: DisplayPlan) -> Bool {
        guard let found = saved.atomic, found.crtc == candidate.crtc, found.active == 1,
              let modeBytes = found.modeBytes, candidate.mode.timings.hasSameTimings(asBlob: modeBytes) else { return false }
        return found.connectors.contains { $0.0 == candidate.connector.id && $0.crtc == UInt64(candidate.crtc.rawValue) }
    }

    /// The legacy modeset: `drmModeSetCrtc` puts the framebuffer on the
    /// primary plane (panned to the layout's source offset). It sends no
    /// event, so a flip to the same framebuffer follows: every `show` ends
    /// in one flip event on both paths.
    func setModeWithLegacyCalls(showing framebuffer: ImportedFramebuffer, userData: UInt64) throws {
        planIsSettled = true
        let descriptor = fileDescriptor
        let drm = card.drm
        var connector = plan.connector.id.rawValue
        var mode = plan.mode.timings.kernelModeInfo
        let crtc = plan.crtc.rawValue
        let x = UInt32(plan.layout.source.x), y = UInt32(plan.layout.source.y)
        try checkedCall("drmModeSetCrtc", device: card.path) {
            drm.drmModeSetCrtc(descriptor, crtc, framebuffer.id.rawValue, x, y, &connector, 1, &mode)
        }
        activePlane = plan.plane
        // From here the screen shows our frame: restore must run even if
        // the flip below fails.
        state = .showing
        try pageFlip(to: framebuffer.id, userData: userData)
    }

    /// The corresponding call is `drmModePageFlip` with `DRM_MODE_PAGE_FLIP_EVENT`.
    func pageFlip(to id: FramebufferID, userData: UInt64) throws(DeviceError) {
        let descriptor = fileDescriptor
        let drm = card.drm
        let crtc = plan.crtc.rawValue
        let pointer = UnsafeMutableRawPointer(bitPattern: UInt(userData))
        try checkedCall("drmModePageFlip", device: card.path) {
            drm.drmModePageFlip(descriptor, crtc, id.rawValue, UInt32(DRM_MODE_PAGE_FLIP_EVENT), pointer)
        }
    }
}
