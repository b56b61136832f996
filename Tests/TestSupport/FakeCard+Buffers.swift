import CDRM
import CKernelShim
import Platform

#if canImport(Glibc)
import Glibc
#endif

/// Client caps, master, GEM handles (dumb buffers, PRIME import and
/// export), framebuffers and blobs, with the kernel's errnos. The lock is held.
extension FakeCard {
    /// The DRM ioctls framepipe issues itself rather than through libdrm.
    func ioctl(
        _ request: IoctlRequest, _ argument: UnsafeMutableRawPointer?, file: FakeOpenFile, kernel: FakeKernel, note: inout String?
    ) throws(FakeErrno) -> Int32 {
        guard let argument, let client = file.client else { throw FakeErrno(EFAULT) }
        switch request.number {
        case fp_DRM_IOCTL_MODE_ATOMIC:
            try atomicCommit(argument.assumingMemoryBound(to: drm_mode_atomic.self).pointee, client: client)
        case fp_DRM_IOCTL_GEM_CLOSE, fp_DRM_IOCTL_MODE_DESTROY_DUMB:
            // Both delete a handle (drm_gem_handle_delete): EINVAL if unknown.
            guard client.closeHandle(argument.load(as: UInt32.self)) else { throw FakeErrno(EINVAL) }
        case fp_DRM_IOCTL_MODE_CREATE_DUMB:
            let request = argument.assumingMemoryBound(to: drm_mode_create_dumb.self)
            let (width, height, bitsPerPixel) = (request.pointee.width, request.pointee.height, request.pointee.bpp)
            guard width > 0, height > 0, bitsPerPixel > 0, width <= 8192, height <= 8192 else { throw FakeErrno(EINVAL) }
            let alignment = configuration.pitchAlignment
            let pitch = ((width * bitsPerPixel + 7) / 8 + alignment - 1) / alignment * alignment
            let size = (UInt64(pitch) * UInt64(height) + 4095) / 4096 * 4096
            let handle = client.handle(for: FakeGEMObject(size: Int(size), label: "dumb \(width)x\(height)x\(bitsPerPixel)"))
            request.pointee.handle = handle
            request.pointee.pitch = pitch
            request.pointee.size = size
            note = "\(handle)"
        case fp_DRM_IOCTL_MODE_MAP_DUMB:
            let request = argument.assumingMemoryBound(to: drm_mode_map_dumb.self)
            guard let object = client.handles[request.pointee.handle] else { throw FakeErrno(ENOENT) }
            let offset = UInt64(request.pointee.handle) << 28
            client.mapOffsets[offset] = object
            request.pointee.offset = offset
        default:
            throw FakeErrno(ENOTTY)
        }
        return 0
    }

    /// The trace detail of a card ioctl.
    static func describe(_ request: IoctlRequest, _ argument: UnsafeMutableRawPointer?) -> String {
        guard let argument else { return "" }
        switch request.number {
        case fp_DRM_IOCTL_MODE_ATOMIC:
            return flagNames(argument.assumingMemoryBound(to: drm_mode_atomic.self).pointee.flags)
        case fp_DRM_IOCTL_GEM_CLOSE, fp_DRM_IOCTL_MODE_DESTROY_DUMB, fp_DRM_IOCTL_MODE_MAP_DUMB:
            return "\(argument.load(as: UInt32.self))"
        case fp_DRM_IOCTL_MODE_CREATE_DUMB:
            let request = argument.assumingMemoryBound(to: drm_mode_create_dumb.self).pointee
            return "\(request.width)x\(request.height)x\(request.bpp)"
        default:
            return ""
        }
    }

    // MARK: Caps and master

    func setClientCap(_ capability: UInt64, _ value: UInt64, client: FakeDRMClient) throws(FakeErrno) {
        switch capability {
        case UInt64(DRM_CLIENT_CAP_STEREO_3D), UInt64(DRM_CLIENT_CAP_ASPECT_RATIO):
            guard value <= 1 else { throw FakeErrno(EINVAL) }
        case UInt64(DRM_CLIENT_CAP_UNIVERSAL_PLANES):
            guard value <= 1 else { throw FakeErrno(EINVAL) }
            client.universalPlanes = value == 1
        case UInt64(DRM_CLIENT_CAP_ATOMIC):
            guard configuration.atomic else { throw FakeErrno(EOPNOTSUPP) }
            guard value <= 2 else { throw FakeErrno(EINVAL) }
            client.atomic = value != 0
            if client.atomic { client.universalPlanes = true }
        case UInt64(DRM_CLIENT_CAP_WRITEBACK_CONNECTORS):
            guard client.atomic, value <= 1 else { throw FakeErrno(EINVAL) }
            client.writebackConnectors = value == 1
        default:
            throw FakeErrno(EINVAL)
        }
    }

    func capability(_ capability: UInt64) throws(FakeErrno) -> UInt64 {
        switch Int32(truncatingIfNeeded: capability) {
        case DRM_CAP_DUMB_BUFFER, DRM_CAP_VBLANK_HIGH_CRTC, DRM_CAP_DUMB_PREFER_SHADOW, DRM_CAP_TIMESTAMP_MONOTONIC,
             DRM_CAP_CRTC_IN_VBLANK_EVENT:
            return 1
        case DRM_CAP_DUMB_PREFERRED_DEPTH: return 24
        case DRM_CAP_PRIME: return UInt64(DRM_PRIME_CAP_IMPORT | DRM_PRIME_CAP_EXPORT)
        case DRM_CAP_CURSOR_WIDTH, DRM_CAP_CURSOR_HEIGHT: return 64
        case DRM_CAP_ASYNC_PAGE_FLIP, DRM_CAP_ADDFB2_MODIFIERS, DRM_CAP_PAGE_FLIP_TARGET, DRM_CAP_SYNCOBJ,
             DRM_CAP_SYNCOBJ_TIMELINE:
            return 0
        default: throw FakeErrno(EINVAL)
        }
    }

    /// Already master: fine. Another client is master: EBUSY.
    func setMaster(client: FakeDRMClient) throws(FakeErrno) {
        if client.isMaster { return }
        if clients.contains(where: { $0.isMaster }) { throw FakeErrno(EBUSY) }
        client.isMaster = true
    }

    func dropMaster(client: FakeDRMClient) throws(FakeErrno) {
        guard client.isMaster else { throw FakeErrno(EINVAL) }
        client.isMaster = false
    }

    // MARK: PRIME

    /// The same dma-buf (by any descriptor) gives the same handle; a
    /// dma-buf this card exported gives the exporter's own handle.
    func importDmaBuf(_ dmabuf: FakeDmaBuf, client: FakeDRMClient) -> UInt32 {
        let key = ObjectIdentifier(dmabuf)
        if let handle = client.primeHandles[key], client.handles[handle] != nil { return handle }
        let object: FakeGEMObject
        if let exported = dmabuf.exportedObject, dmabuf.exportingCard === self {
            object = exported
        } else {
            object = FakeGEMObject(size: dmabuf.size, label: dmabuf.label, importedFrom: dmabuf)
        }
        let handle = client.handle(for: object)
        client.primeHandles[key] = handle
        return handle
    }

    func exportHandle(_ handle: UInt32, client: FakeDRMClient, kernel: FakeKernel) throws(FakeErrno) -> Int32 {
        guard let object = client.handles[handle] else { throw FakeErrno(ENOENT) }
        let dmabuf = object.exported ?? FakeDmaBuf(
            size: object.size, label: "\(path) \(object.label) (dma-buf)", exportedObject: object, exportingCard: self)
        object.exported = dmabuf
        client.primeHandles[ObjectIdentifier(dmabuf)] = handle
        return kernel.install(FakeOpenFile(target: .dmabuf(dmabuf), label: dmabuf.label, flags: O_RDWR))
    }

    // MARK: Framebuffers

    /// Bytes per pixel and subsampling of each plane of the formats the fake knows.
    static func planeLayout(_ format: UInt32) -> [(bytesPerPixel: UInt32, horizontal: UInt32, vertical: UInt32)]? {
        switch format {
        case fp_DRM_FORMAT_XRGB8888, fp_DRM_FORMAT_ARGB8888, fp_DRM_FORMAT_XBGR8888, fp_DRM_FORMAT_BGRX8888:
            return [(4, 1, 1)]
        case fp_DRM_FORMAT_RGB565, fp_DRM_FORMAT_YUYV: return [(2, 1, 1)]
        case fp_DRM_FORMAT_NV12: return [(1, 1, 1), (2, 2, 2)]
        default: return nil
        }
    }

    /// `drmModeAddFB2`: every plane's handle must exist and hold the plane;
    /// handles of unused planes must be 0.
    func addFramebuffer(
        width: UInt32, height: UInt32, format: UInt32, handles: UnsafePointer<UInt32>, pitches: UnsafePointer<UInt32>,
        offsets: UnsafePointer<UInt32>, modifiers: UnsafePointer<UInt64>?, flags: UInt32, client: FakeDRMClient
    ) throws(FakeErrno) -> UInt32 {
        let known = UInt32(DRM_MODE_FB_INTERLACED) | UInt32(DRM_MODE_FB_MODIFIERS)
        let modifiersAllowed = try capability(UInt64(DRM_CAP_ADDFB2_MODIFIERS)) != 0
        guard flags & ~known == 0, flags & UInt32(DRM_MODE_FB_MODIFIERS) == 0 || modifiersAllowed,
              let layout = Self.planeLayout(format), (20...8192).contains(width), (20...8192).contains(height) else {
            throw FakeErrno(EINVAL)
        }
        var held: [FakeGEMObject] = []
        for plane in 0..<4 {
            guard plane < layout.count else {
                if handles[plane] != 0 { throw FakeErrno(EINVAL) }
                continue
            }
            guard handles[plane] != 0 else { throw FakeErrno(EINVAL) }
            guard let object = client.handles[handles[plane]] else { throw FakeErrno(ENOENT) }
            let planeWidth = UInt64(width / layout[plane].horizontal), planeHeight = UInt64(height / layout[plane].vertical)
            let lineBytes = planeWidth * UInt64(layout[plane].bytesPerPixel)
            guard UInt64(pitches[plane]) >= lineBytes, pitches[plane] % configuration.pitchAlignment == 0,
                  UInt64(offsets[plane]) + UInt64(pitches[plane]) * (planeHeight - 1) + lineBytes <= UInt64(object.size) else {
                throw FakeErrno(EINVAL)
            }
            held.append(object)
        }
        let id = newObjectID()
        framebuffers[id] = FakeFramebuffer(id: id, width: width, height: height, format: format, objects: held, owner: client)
        return id
    }

    /// Only the client that added a framebuffer may remove it.
    func removeFramebuffer(_ id: UInt32, client: FakeDRMClient) throws(FakeErrno) {
        guard let framebuffer = framebuffers[id], framebuffer.owner === client else { throw FakeErrno(ENOENT) }
        removeFramebuffer(id)
    }

    // MARK: Blobs

    func createBlob(_ data: UnsafeRawPointer?, _ size: Int, client: FakeDRMClient) throws(FakeErrno) -> UInt32 {
        guard size > 0 else { throw FakeErrno(EINVAL) }
        guard let data else { throw FakeErrno(EFAULT) }
        let id = newObjectID()
        blobs[id] = FakeBlob(id: id, bytes: Array(UnsafeRawBufferPointer(start: data, count: size)), owner: client)
        return id
    }

    /// Drops the client's reference; a blob a property still uses lives on.
    func destroyBlob(_ id: UInt32, client: FakeDRMClient) throws(FakeErrno) {
        guard let blob = blobs[id] else { throw FakeErrno(EINVAL) }
        guard blob.owner === client else { throw FakeErrno(EPERM) }
        blobs[id]?.owner = nil
        collectBlobs()
    }
}
