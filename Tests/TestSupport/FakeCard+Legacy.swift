import CDRM

#if canImport(Glibc)
import Glibc
#endif

/// The legacy modesetting calls, as an atomic driver implements them:
/// `drmModeSetCrtc` is a blocking modeset of the primary plane,
/// `drmModePageFlip` a non-blocking change of its framebuffer. The lock is held.
extension FakeCard {
    func setCrtc(
        _ crtc: UInt32, framebuffer: UInt32, x: UInt32, y: UInt32, connectors: UnsafeMutablePointer<UInt32>?, count: Int32,
        mode: UnsafeMutablePointer<drmModeModeInfo>?, client: FakeDRMClient
    ) throws(FakeErrno) {
        guard client.isMaster else { throw FakeErrno(EACCES) }
        guard objects[crtc]?.type == DRM_MODE_OBJECT_CRTC else { throw FakeErrno(ENOENT) }
        var state = values
        if let mode {
            guard let shown = framebuffers[framebuffer] else { throw FakeErrno(ENOENT) }
            guard count > 0, let connectors else { throw FakeErrno(EINVAL) }
            for index in 0..<Int(count) where objects[connectors[index]]?.type != DRM_MODE_OBJECT_CONNECTOR {
                throw FakeErrno(ENOENT)
            }
            let info = mode.pointee
            let (width, height) = (UInt32(info.hdisplay), UInt32(info.vdisplay))
            guard width > 0, height > 0 else { throw FakeErrno(EINVAL) }
            // drm_crtc_check_viewport
            guard x + width <= shown.width, y + height <= shown.height else { throw FakeErrno(ENOSPC) }
            guard formats(ofPlane: Self.primaryPlaneID).contains(shown.format) else { throw FakeErrno(EINVAL) }
            let bytes = Self.bytes(of: info)
            if modeBytes(of: crtc) != bytes {
                // The kernel makes a blob of its own for a legacy mode.
                let blob = newObjectID()
                blobs[blob] = FakeBlob(id: blob, bytes: bytes, owner: nil)
                state[crtc]?[FakeProperty.mode.id] = UInt64(blob)
            }
            state[crtc]?[FakeProperty.active.id] = 1
            let routed = (0..<Int(count)).map { connectors[$0] }
            state[Self.connectorID]?[FakeProperty.crtc.id] = routed.contains(Self.connectorID) ? UInt64(crtc) : 0
            showFullScreen(framebuffer: framebuffer, width: width, height: height, x: x, y: y, in: &state)
        } else {
            // "Count connectors is %d but no mode or fb set"
            guard framebuffer == 0, count == 0 else { throw FakeErrno(EINVAL) }
            disableCrtc(in: &state)
        }
        // Blocking: the flip in flight completes first, and the modeset
        // takes a frame.
        if pendingFlips[crtc] != nil { vblankLocked() }
        values = state
        collectBlobs()
        vblankLocked()
    }

    func pageFlip(_ crtc: UInt32, framebuffer: UInt32, flags: UInt32, userData: UInt64, client: FakeDRMClient) throws(FakeErrno) {
        guard client.isMaster else { throw FakeErrno(EACCES) }
        let event = UInt32(DRM_MODE_PAGE_FLIP_EVENT)
        guard flags & ~(event | UInt32(DRM_MODE_PAGE_FLIP_ASYNC)) == 0, flags & UInt32(DRM_MODE_PAGE_FLIP_ASYNC) == 0 else {
            throw FakeErrno(EINVAL)
        }
        guard objects[crtc]?.type == DRM_MODE_OBJECT_CRTC else { throw FakeErrno(ENOENT) }
        let primary = values[Self.primaryPlaneID] ?? [:]
        guard values[crtc]?[FakeProperty.active.id] == 1, let bytes = modeBytes(of: crtc), let mode = Self.modeInfo(bytes) else {
            throw FakeErrno(EINVAL)
        }
        guard primary[FakeProperty.crtc.id] == UInt64(crtc),
              let current = framebuffers[UInt32(truncatingIfNeeded: primary[FakeProperty.framebuffer.id] ?? 0)] else {
            throw FakeErrno(EBUSY)
        }
        guard let shown = framebuffers[framebuffer] else { throw FakeErrno(ENOENT) }
        // "Page flip is not allowed to change frame buffer format."
        guard shown.format == current.format else { throw FakeErrno(EINVAL) }
        let x = UInt32(truncatingIfNeeded: (primary[FakeProperty.sourceX.id] ?? 0) >> 16)
        let y = UInt32(truncatingIfNeeded: (primary[FakeProperty.sourceY.id] ?? 0) >> 16)
        guard x + UInt32(mode.hdisplay) <= shown.width, y + UInt32(mode.vdisplay) <= shown.height else { throw FakeErrno(ENOSPC) }
        guard pendingFlips[crtc] == nil else { throw FakeErrno(EBUSY) }
        values[Self.primaryPlaneID]?[FakeProperty.framebuffer.id] = UInt64(framebuffer)
        pendingFlips[crtc] = FakePendingFlip(client: client, userData: userData, sendsEvent: flags & event != 0)
    }
}
