import CDRM
import CKernelShim

#if canImport(Glibc)
import Glibc
#endif

/// `DRM_IOCTL_MODE_ATOMIC`: decodes the request from its user pointers,
/// sets the properties on a copy of the state, checks the result as the
/// kernel and vkms 6.1 check it, and applies it unless TEST_ONLY. Every
/// request is recorded as a ``FakeCommit``. The lock is held.
extension FakeCard {
    static let validAtomicFlags = UInt32(DRM_MODE_PAGE_FLIP_EVENT) | UInt32(DRM_MODE_PAGE_FLIP_ASYNC)
        | UInt32(DRM_MODE_ATOMIC_TEST_ONLY) | UInt32(DRM_MODE_ATOMIC_NONBLOCK) | UInt32(DRM_MODE_ATOMIC_ALLOW_MODESET)

    /// "TEST_ONLY|ALLOW_MODESET", in the order the library prints flags.
    static func flagNames(_ flags: UInt32) -> String {
        let names: [(UInt32, String)] = [
            (UInt32(DRM_MODE_ATOMIC_TEST_ONLY), "TEST_ONLY"), (UInt32(DRM_MODE_ATOMIC_NONBLOCK), "NONBLOCK"),
            (UInt32(DRM_MODE_PAGE_FLIP_EVENT), "PAGE_FLIP_EVENT"), (UInt32(DRM_MODE_ATOMIC_ALLOW_MODESET), "ALLOW_MODESET"),
            (UInt32(DRM_MODE_PAGE_FLIP_ASYNC), "PAGE_FLIP_ASYNC"),
        ]
        var parts = names.filter { flags & $0.0 != 0 }.map(\.1)
        let unknown = flags & ~validAtomicFlags
        if unknown != 0 { parts.append("0x" + String(unknown, radix: 16)) }
        return parts.joined(separator: "|")
    }

    func atomicCommit(_ request: drm_mode_atomic, client: FakeDRMClient) throws(FakeErrno) {
        var changes: [FakeCommit.Change] = []
        var failure: FakeErrno?
        do throws(FakeErrno) {
            try performAtomic(request, client: client, changes: &changes)
        } catch {
            failure = error
        }
        recordedCommits.append(FakeCommit(
            flags: Self.flagNames(request.flags), changes: changes, userData: request.user_data, errno: failure?.code ?? 0))
        if let failure { throw failure }
    }

    private func performAtomic(_ request: drm_mode_atomic, client: FakeDRMClient, changes: inout [FakeCommit.Change]) throws(FakeErrno) {
        guard configuration.atomic else { throw FakeErrno(EOPNOTSUPP) }
        guard client.atomic else { throw FakeErrno(EINVAL) }
        guard client.isMaster else { throw FakeErrno(EACCES) }
        let flags = request.flags
        let testOnly = flags & UInt32(DRM_MODE_ATOMIC_TEST_ONLY) != 0
        let nonBlocking = flags & UInt32(DRM_MODE_ATOMIC_NONBLOCK) != 0
        let event = flags & UInt32(DRM_MODE_PAGE_FLIP_EVENT) != 0
        guard flags & ~Self.validAtomicFlags == 0, flags & UInt32(DRM_MODE_PAGE_FLIP_ASYNC) == 0,
              request.reserved == 0, !(testOnly && event) else { throw FakeErrno(EINVAL) }

        var state = values
        var touched: [UInt32] = []
        let count = Int(request.count_objs)
        if count > 0 {
            guard let objectIDs = UnsafePointer<UInt32>(bitPattern: UInt(request.objs_ptr)),
                  let counts = UnsafePointer<UInt32>(bitPattern: UInt(request.count_props_ptr)),
                  let propertyIDs = UnsafePointer<UInt32>(bitPattern: UInt(request.props_ptr)),
                  let propertyValues = UnsafePointer<UInt64>(bitPattern: UInt(request.prop_values_ptr)) else {
                throw FakeErrno(EFAULT)
            }
            var position = 0
            for index in 0..<count {
                guard let object = objects[objectIDs[index]], !object.properties.isEmpty else { throw FakeErrno(ENOENT) }
                touched.append(object.id)
                for _ in 0..<Int(counts[index]) {
                    guard let property = object.property(propertyIDs[position]) else { throw FakeErrno(ENOENT) }
                    let value = propertyValues[position]
                    position += 1
                    changes.append(FakeCommit.Change(object: object.id, property: property.name, value: value))
                    try set(property, of: object.id, to: value, in: &state)
                }
            }
        }
        try check(state, allowModeset: flags & UInt32(DRM_MODE_ATOMIC_ALLOW_MODESET) != 0)

        // The CRTC is part of the commit when it, or a plane or connector
        // on it before or after, is.
        let crtcProperty = FakeProperty.crtc.id
        let affectsCrtc = touched.contains { object in
            object == Self.crtcID || values[object]?[crtcProperty] == UInt64(Self.crtcID) || state[object]?[crtcProperty] == UInt64(Self.crtcID)
        }
        // "need at least one CRTC for DRM_MODE_PAGE_FLIP_EVENT"
        if event, !affectsCrtc { throw FakeErrno(EINVAL) }
        if nonBlocking, affectsCrtc, pendingFlips[Self.crtcID] != nil { throw FakeErrno(EBUSY) }
        if testOnly { return }

        // A blocking commit waits for the one in flight to complete first.
        if affectsCrtc, pendingFlips[Self.crtcID] != nil { vblankLocked() }
        values = state
        collectBlobs()
        guard affectsCrtc else { return }
        let flip = FakePendingFlip(client: client, userData: request.user_data, sendsEvent: event)
        if state[Self.crtcID]?[FakeProperty.active.id] != 1 {
            // An inactive CRTC has no vblank: the event goes out at once.
            if event { queueEvent(for: flip) }
        } else {
            pendingFlips[Self.crtcID] = flip
            // A blocking commit returns after the vblank that put it on screen.
            if !nonBlocking { vblankLocked() }
        }
    }

    /// Sets one property in `state`, refusing what the kernel refuses at
    /// that point: immutable properties, values out of range, references
    /// to objects or blobs that do not exist.
    private func set(_ property: FakeProperty, of object: UInt32, to value: UInt64, in state: inout [UInt32: [UInt32: UInt64]]) throws(FakeErrno) {
        if property.isImmutable { throw FakeErrno(EINVAL) }
        let rangeFlag = UInt32(DRM_MODE_PROP_RANGE)
        if property.flags & rangeFlag != 0, property.values.count == 2,
           value < property.values[0] || value > property.values[1] {
            throw FakeErrno(EINVAL)
        }
        if property.flags & UInt32(DRM_MODE_PROP_EXTENDED_TYPE) == FakeProperty.signedRangeType {
            let signed = Int64(bitPattern: value)
            guard signed >= Int64(bitPattern: property.values[0]), signed <= Int64(bitPattern: property.values[1]) else {
                throw FakeErrno(EINVAL)
            }
        }
        if property.id == FakeProperty.framebuffer.id, value != 0, framebuffers[UInt32(truncatingIfNeeded: value)] == nil {
            throw FakeErrno(EINVAL)
        }
        if property.id == FakeProperty.crtc.id, value != 0, objects[UInt32(truncatingIfNeeded: value)]?.type != DRM_MODE_OBJECT_CRTC {
            // "cannot find CRTC with ID": EACCES, as the kernel says it.
            throw FakeErrno(EACCES)
        }
        if property.id == FakeProperty.mode.id, value != 0 {
            guard let blob = blobs[UInt32(truncatingIfNeeded: value)], blob.bytes.count == MemoryLayout<drmModeModeInfo>.size else {
                throw FakeErrno(EINVAL)
            }
        }
        state[object]?[property.id] = value
    }

    /// The checks of `drm_atomic_check_only` that matter here: CRTC enable
    /// and connectors agree, each plane has both or neither of FB and CRTC,
    /// scans out a format it supports from inside its framebuffer without
    /// scaling, the primary plane covers the whole CRTC (vkms 6.1), and a
    /// modeset needs ALLOW_MODESET.
    func check(_ state: [UInt32: [UInt32: UInt64]], allowModeset: Bool) throws(FakeErrno) {
        let crtc = state[Self.crtcID] ?? [:]
        let modeID = UInt32(truncatingIfNeeded: crtc[FakeProperty.mode.id] ?? 0)
        let mode = modeID == 0 ? nil : blobs[modeID].flatMap { Self.modeInfo($0.bytes) }
        let routed = state[Self.connectorID]?[FakeProperty.crtc.id] == UInt64(Self.crtcID)
        if crtc[FakeProperty.active.id] == 1, mode == nil { throw FakeErrno(EINVAL) }
        if (mode != nil) != routed { throw FakeErrno(EINVAL) }
        for plane in planeIDs {
            try checkPlane(plane, state[plane] ?? [:], mode: mode)
        }
        let oldMode = modeBytes(of: Self.crtcID)
        let newMode = mode.map(Self.bytes(of:))
        let modeset = oldMode != newMode
            || values[Self.crtcID]?[FakeProperty.active.id] != crtc[FakeProperty.active.id]
            || values[Self.connectorID]?[FakeProperty.crtc.id] != state[Self.connectorID]?[FakeProperty.crtc.id]
        if modeset, !allowModeset { throw FakeErrno(EINVAL) }
    }

    private func checkPlane(_ plane: UInt32, _ values: [UInt32: UInt64], mode: drmModeModeInfo?) throws(FakeErrno) {
        let framebufferID = values[FakeProperty.framebuffer.id] ?? 0
        let crtcID = values[FakeProperty.crtc.id] ?? 0
        if (framebufferID == 0) != (crtcID == 0) { throw FakeErrno(EINVAL) }
        guard framebufferID != 0 else { return }
        guard let framebuffer = framebuffers[UInt32(truncatingIfNeeded: framebufferID)],
              formats(ofPlane: plane).contains(framebuffer.format), let mode else { throw FakeErrno(EINVAL) }
        let value = { (property: FakeProperty) in values[property.id] ?? 0 }
        let (sourceX, sourceY) = (value(.sourceX), value(.sourceY))
        let (sourceWidth, sourceHeight) = (value(.sourceWidth), value(.sourceHeight))
        // "Invalid source coordinates"
        guard sourceX + sourceWidth <= UInt64(framebuffer.width) << 16, sourceY + sourceHeight <= UInt64(framebuffer.height) << 16 else {
            throw FakeErrno(ENOSPC)
        }
        let (width, height) = (value(.crtcWidth), value(.crtcHeight))
        guard width > 0, height > 0 else { throw FakeErrno(EINVAL) }
        // vkms cannot scale.
        guard sourceWidth == width << 16, sourceHeight == height << 16 else { throw FakeErrno(ERANGE) }
        if plane == Self.primaryPlaneID {
            let x = Int64(bitPattern: value(.crtcX)), y = Int64(bitPattern: value(.crtcY))
            // "Plane must cover entire CRTC"
            guard x == 0, y == 0, width == UInt64(mode.hdisplay), height == UInt64(mode.vdisplay) else { throw FakeErrno(EINVAL) }
        }
    }
}
