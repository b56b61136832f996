import Platform

/// One writeback snapshot: what a display's CRTC shows, read back through
/// the card's writeback connector.
///
/// A dumb buffer of the mode's size in XRGB8888 becomes the writeback
/// framebuffer of one blocking commit (routing the writeback connector to
/// the CRTC, which may need a modeset the first time), which asks for an
/// out-fence; the fence signals when the frame has been written. The
/// writeback job is one-shot: the kernel drops the framebuffer after it,
/// and the buffer is then read, unmapped and freed.
///
/// If the card refuses to feed the display and the writeback connector
/// from one CRTC (TEST_ONLY fails the encoders' clone check, as on vkms in
/// Linux 6.1), the display connector is taken off the CRTC for the capture
/// and put back afterwards; the CRTC and its planes keep running, so the
/// captured frame is what the display shows.
struct WritebackCapture {
    let card: Card
    /// The property ids of the display's objects (the writeback connector among them).
    let cache: PropertyIDCache
    /// The plan on screen: its CRTC, connector, mode and writeback connector.
    let plan: DisplayPlan

    /// Captures the screen; the commit's flip event (which tells the vblank
    /// it took effect at) is read through `flips`.
    ///
    /// - Throws: `DisplayError.writebackUnavailable` (no writeback
    ///   connector, nothing shown yet, XRGB8888 not offered),
    ///   `DisplayError.flipPending` while a flip is in flight,
    ///   `DisplayError.writebackTimedOut`, or the failing call's `DeviceError`.
    ///
    /// The corresponding calls are `DRM_IOCTL_MODE_CREATE_DUMB`,
    /// `drmModeAddFB2`, `DRM_IOCTL_MODE_ATOMIC` (WRITEBACK_FB_ID,
    /// WRITEBACK_OUT_FENCE_PTR), `poll` on the fence and `mmap`.
    func capture(timeoutMilliseconds: Int, flips: FlipStateMachine) throws -> WritebackSnapshot {
        func unavailable(_ reason: String) -> DisplayError { .writebackUnavailable(device: card.path, reason: reason) }
        guard card.capabilities.writebackConnectors else { throw unavailable("the card does not offer writeback connectors") }
        guard let writeback = plan.writeback else {
            throw unavailable("no writeback connector can capture CRTC \(plan.crtc)")
        }
        guard flips.isModeSet else { throw unavailable("nothing is on screen yet; show a frame first") }
        if flips.isCommitPending { throw DisplayError.flipPending(device: card.path) }

        guard let format = FourCC("XR24") else { throw unavailable("XRGB8888 has no fourcc") }
        let formats = try writebackFormats(writeback.id)
        guard formats.contains(format) else {
            throw unavailable("\(writeback.name) cannot write XR24; it offers \(formats.map(\.description).joined(separator: " "))")
        }

        let buffer = try card.createDumbBuffer(width: plan.mode.width, height: plan.mode.height, bitsPerPixel: 32)
        let framebuffer = try buffer.addFramebuffer(format: format)
        defer { try? card.removeFramebuffer(framebuffer) }

        // The kernel writes the fence descriptor into this Int32 during the
        // ioctl; the property's value is its address.
        var fenceDescriptor: Int32 = -1
        flips.snapshotIssuing()
        let displayDetached = try withUnsafeMutablePointer(to: &fenceDescriptor) { fencePointer in
            let fenceAddress = UInt64(UInt(bitPattern: fencePointer))
            // Capture beside the display if the card can clone the CRTC's
            // output to both connectors; otherwise (vkms in Linux 6.1 allows
            // no clones) route the CRTC to the writeback connector alone for
            // this one frame and back afterwards.
            var detach = false
            let together = try request(writeback.id, framebuffer: framebuffer.id, fenceAddress: fenceAddress, detachingDisplay: false)
            if try card.testCommit(together) != nil {
                let alone = try request(writeback.id, framebuffer: framebuffer.id, fenceAddress: fenceAddress, detachingDisplay: true)
                if let rejection = try card.testCommit(alone) {
                    throw unavailable("the kernel refused to route \(writeback.name) to CRTC \(plan.crtc) (\(errnoName(rejection.errnoCode)))")
                }
                detach = true
            }
            // Routing the writeback connector counts as a modeset; the
            // commit blocks until it is done, then the writeback runs.
            try card.commit(
                detach ? request(writeback.id, framebuffer: framebuffer.id, fenceAddress: fenceAddress, detachingDisplay: true) : together,
                flags: [.allowModeset, .pageFlipEvent], userData: FlipPurpose.snapshot.userData(tag: framebuffer.id.rawValue))
            return detach
        }
        guard fenceDescriptor >= 0 else {
            throw unavailable("the kernel returned no writeback out-fence")
        }
        let fence = card.fd.derived(fenceDescriptor, path: "\(card.path) writeback fence")

        let deadline = monotonicMilliseconds() + timeoutMilliseconds
        let completed = try fence.waitReadable(timeoutMilliseconds: timeoutMilliseconds)
        // The commit's flip event tells which vblank it took effect at.
        while flips.snapshotEvent == nil {
            let remaining = deadline - monotonicMilliseconds()
            if remaining <= 0 { break }
            _ = try flips.waitForEvents(timeoutMilliseconds: remaining, crtc: plan.crtc) { _ in }
        }
        if displayDetached {
            // Route the CRTC back to the display (and away from writeback).
            var back = AtomicRequest()
            try back.set(writeback.id, "CRTC_ID", to: 0, using: cache)
            try back.set(plan.connector.id, "CRTC_ID", to: UInt64(plan.crtc.rawValue), using: cache)
            try card.commit(back, flags: [.allowModeset])
        }
        guard completed else {
            throw DisplayError.writebackTimedOut(device: card.path, milliseconds: timeoutMilliseconds)
        }

        let bytes = try buffer.copyBytes()
        let event = flips.snapshotEvent
        return WritebackSnapshot(
            width: buffer.width, height: buffer.height, stride: buffer.pitch, format: format,
            bytes: Array(bytes.prefix(buffer.pitch * buffer.height)),
            sequence: event?.sequence, timestampNanoseconds: event?.timestampNanoseconds,
            displayWasDetached: displayDetached)
    }

    /// The commit that arms one writeback: the writeback connector on the
    /// CRTC with a framebuffer and an out-fence (and, when `detachingDisplay`,
    /// the display connector off it).
    private func request(
        _ writeback: ConnectorID, framebuffer: FramebufferID, fenceAddress: UInt64, detachingDisplay: Bool
    ) throws -> AtomicRequest {
        var request = AtomicRequest()
        try request.set(writeback, "CRTC_ID", to: UInt64(plan.crtc.rawValue), using: cache)
        try request.set(writeback, "WRITEBACK_FB_ID", to: UInt64(framebuffer.rawValue), using: cache)
        try request.set(writeback, "WRITEBACK_OUT_FENCE_PTR", to: fenceAddress, using: cache)
        try request.set(plan.crtc, "ACTIVE", to: 1, using: cache)
        if detachingDisplay {
            try request.set(plan.connector.id, "CRTC_ID", to: 0, using: cache)
        }
        return request
    }

    /// The formats the writeback connector can write, from its immutable
    /// WRITEBACK_PIXEL_FORMATS blob (an array of fourccs).
    private func writebackFormats(_ connector: ConnectorID) throws -> [FourCC] {
        let blob = try cache.loadedValue(of: "WRITEBACK_PIXEL_FORMATS", on: connector)
        guard blob != 0 else { return [] }
        let bytes = try card.blobBytes(BlobID(UInt32(truncatingIfNeeded: blob)))
        return bytes.withUnsafeBytes { raw in
            (0..<(raw.count / 4)).map { index in
                FourCC(rawValue: raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self))
            }
        }
    }
}
