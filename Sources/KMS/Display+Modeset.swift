import CDRM
import Platform

#if canImport(Glibc)
import Glibc
#endif

/// Setting the mode with the first frame, atomically (trying each plane
/// candidate with TEST_ONLY first) or with the legacy calls.
extension Display {
    /// Tries each plane candidate (and, when other planes are on the CRTC,
    /// first with them turned off so nothing covers the frame, then with
    /// them kept) with a TEST_ONLY commit, and commits the first accepted
    /// with a flip event carrying `userData`.
    func setModeAtomically(showing framebuffer: ImportedFramebuffer, userData: UInt64) throws {
        guard let cache = propertyCache else { throw DisplayError.closed(device: card.path) }
        let blob: BlobID
        if let modeBlob {
            blob = modeBlob
        } else {
            blob = try card.createBlob(plan.mode.timings.modeBlobBytes)
            modeBlob = blob
        }
        var attempts: [String] = []
        for plane in plan.planes {
            let others = plan.planesOnCrtc.filter { $0 != plane.id }
            for turningOthersOff in others.isEmpty ? [true] : [true, false] {
                let request = try modesetRequest(
                    plane: plane.id, framebuffer: framebuffer.id, modeBlob: blob,
                    planesOff: turningOthersOff ? others : [], cache: cache)
                let attempt = describeAttempt(plane: plane, framebuffer: framebuffer, keepingOthers: !turningOthersOff && !others.isEmpty)
                if let rejection = try card.testCommit(request) {
                    attempts.append("\(attempt): \(errnoName(rejection.errnoCode))")
                    logger.debug("layout rejected", metadata: ["device": "\(card.path)", "attempt": "\(attempt)", "error": "\(rejection)"])
                    continue
                }
                try card.commit(request, flags: [.allowModeset, .pageFlipEvent], userData: userData)
                activePlane = plane
                var flip = AtomicRequest()
                flipSlot = flip.set(plane.id, try cache.id(of: "FB_ID", on: plane.id), to: UInt64(framebuffer.id.rawValue))
                flipRequest = flip
                logger.debug("mode set", metadata: ["device": "\(card.path)", "layout": "\(attempt)"])
                return
            }
        }
        throw DisplayError.configurationRejected(device: card.path, attempts: attempts)
    }

    private func modesetRequest(
        plane: PlaneID, framebuffer: FramebufferID, modeBlob: BlobID, planesOff: [PlaneID], cache: PropertyIDCache
    ) throws -> AtomicRequest {
        let crtc = UInt64(plan.crtc.rawValue)
        let layout = plan.layout
        var request = AtomicRequest()
        try request.set(plan.connector.id, "CRTC_ID", to: crtc, using: cache)
        try request.set(plan.crtc, "MODE_ID", to: UInt64(modeBlob.rawValue), using: cache)
        try request.set(plan.crtc, "ACTIVE", to: 1, using: cache)
        try request.set(plane, "FB_ID", to: UInt64(framebuffer.rawValue), using: cache)
        try request.set(plane, "CRTC_ID", to: crtc, using: cache)
        // Source coordinates are 16.16 fixed point; CRTC ones whole pixels.
        try request.set(plane, "SRC_X", to: UInt64(layout.source.x) << 16, using: cache)
        try request.set(plane, "SRC_Y", to: UInt64(layout.source.y) << 16, using: cache)
        try request.set(plane, "SRC_W", to: UInt64(layout.source.width) << 16, using: cache)
        try request.set(plane, "SRC_H", to: UInt64(layout.source.height) << 16, using: cache)
        try request.set(plane, "CRTC_X", to: UInt64(layout.destination.x), using: cache)
        try request.set(plane, "CRTC_Y", to: UInt64(layout.destination.y), using: cache)
        try request.set(plane, "CRTC_W", to: UInt64(layout.destination.width), using: cache)
        try request.set(plane, "CRTC_H", to: UInt64(layout.destination.height), using: cache)
        for other in planesOff {
            try request.set(other, "FB_ID", to: 0, using: cache)
            try request.set(other, "CRTC_ID", to: 0, using: cache)
        }
        return request
    }

    /// "plane 31 (primary) fb 640x480 XR24 src 640x480+0+0 -> crtc
    /// 640x480+192+144, mode 1024x768@60.004Hz (preferred), CRTC 37,
    /// connector Virtual-1".
    private func describeAttempt(plane: PlaneInfo, framebuffer: ImportedFramebuffer, keepingOthers: Bool) -> String {
        var text = "plane \(plane.id) (\(plane.type.rawValue)) fb \(framebuffer.width)x\(framebuffer.height) \(framebuffer.format) "
            + "\(plan.layout), mode \(plan.mode), CRTC \(plan.crtc), connector \(plan.connector.name)"
        if keepingOthers { text += ", other planes kept" }
        return text
    }

    /// The legacy modeset: `drmModeSetCrtc` puts the framebuffer on the
    /// primary plane (panned to the layout's source offset). It sends no
    /// event, so a flip to the same framebuffer follows: every `show` ends
    /// in one flip event on both paths.
    func setModeWithLegacyCalls(showing framebuffer: ImportedFramebuffer, userData: UInt64) throws {
        let descriptor = fileDescriptor
        let kernel = card.kernel
        var connector = plan.connector.id.rawValue
        var mode = plan.mode.timings.kernelModeInfo
        let crtc = plan.crtc.rawValue
        let x = UInt32(plan.layout.source.x), y = UInt32(plan.layout.source.y)
        try checkedCall("drmModeSetCrtc", device: card.path) {
            kernel.drmModeSetCrtc(descriptor, crtc, framebuffer.id.rawValue, x, y, &connector, 1, &mode)
        }
        activePlane = plan.planes.first
        // From here the screen shows our frame: restore must run even if
        // the flip below fails.
        state = .showing
        try pageFlip(to: framebuffer.id, userData: userData)
    }

    /// The corresponding call is `drmModePageFlip` with `DRM_MODE_PAGE_FLIP_EVENT`.
    func pageFlip(to id: FramebufferID, userData: UInt64) throws(DeviceError) {
        let descriptor = fileDescriptor
        let kernel = card.kernel
        let crtc = plan.crtc.rawValue
        let pointer = UnsafeMutableRawPointer(bitPattern: UInt(userData))
        try checkedCall("drmModePageFlip", device: card.path) {
            kernel.drmModePageFlip(descriptor, crtc, id.rawValue, UInt32(DRM_MODE_PAGE_FLIP_EVENT), pointer)
        }
    }
}
