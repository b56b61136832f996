import CDRM
import CKernelShim

/// The card's mode objects, its modes, and what the kernel does to them on
/// its own: turn off planes whose framebuffer goes away, free unreferenced
/// blobs, release what a closed file held.
extension FakeCard {
    /// vkms's two modes of interest, as the kernel's DMT table has them.
    static func connectorModes() -> [drmModeModeInfo] {
        let syncFlags = UInt32(DRM_MODE_FLAG_NHSYNC) | UInt32(DRM_MODE_FLAG_NVSYNC)
        return [
            mode("1024x768", clock: 65_000, horizontal: (1024, 1048, 1184, 1344), vertical: (768, 771, 777, 806),
                 flags: syncFlags, type: UInt32(DRM_MODE_TYPE_DRIVER) | UInt32(DRM_MODE_TYPE_PREFERRED)),
            mode("640x480", clock: 25_175, horizontal: (640, 656, 752, 800), vertical: (480, 490, 492, 525),
                 flags: syncFlags, type: UInt32(DRM_MODE_TYPE_DRIVER)),
        ]
    }

    private static func mode(
        _ name: String, clock: UInt32, horizontal: (UInt16, UInt16, UInt16, UInt16), vertical: (UInt16, UInt16, UInt16, UInt16),
        flags: UInt32, type: UInt32
    ) -> drmModeModeInfo {
        var info = drmModeModeInfo()
        info.clock = clock
        (info.hdisplay, info.hsync_start, info.hsync_end, info.htotal) = horizontal
        (info.vdisplay, info.vsync_start, info.vsync_end, info.vtotal) = vertical
        info.vrefresh = 60
        info.flags = flags
        info.type = type
        withUnsafeMutableBytes(of: &info.name) { bytes in
            for (index, byte) in name.utf8.prefix(bytes.count - 1).enumerated() { bytes[index] = byte }
        }
        return info
    }

    /// The formats each plane scans out.
    func formats(ofPlane plane: UInt32) -> [UInt32] {
        plane == Self.primaryPlaneID ? [fp_DRM_FORMAT_XRGB8888] : [fp_DRM_FORMAT_XRGB8888, fp_DRM_FORMAT_ARGB8888]
    }

    var planeIDs: [UInt32] {
        objects.values.filter { $0.type == DRM_MODE_OBJECT_PLANE }.map(\.id).sorted()
    }

    /// Creates the objects, and fbdev's console when configured.
    func buildObjects() {
        var list = [
            FakeModeObject(id: Self.primaryPlaneID, type: DRM_MODE_OBJECT_PLANE, properties: FakeProperty.planeProperties),
            FakeModeObject(id: Self.crtcID, type: DRM_MODE_OBJECT_CRTC, properties: FakeProperty.crtcProperties),
            FakeModeObject(id: Self.encoderID, type: DRM_MODE_OBJECT_ENCODER, properties: []),
            FakeModeObject(id: Self.connectorID, type: DRM_MODE_OBJECT_CONNECTOR, properties: FakeProperty.connectorProperties),
        ]
        if configuration.overlayPlane {
            list.append(FakeModeObject(id: Self.overlayPlaneID, type: DRM_MODE_OBJECT_PLANE, properties: FakeProperty.planeProperties))
        }
        for object in list {
            objects[object.id] = object
            values[object.id] = Dictionary(uniqueKeysWithValues: object.properties.map { ($0.id, UInt64(0)) })
        }
        values[Self.primaryPlaneID]?[FakeProperty.type.id] = UInt64(DRM_PLANE_TYPE_PRIMARY)
        values[Self.overlayPlaneID]?[FakeProperty.type.id] = UInt64(DRM_PLANE_TYPE_OVERLAY)
        guard configuration.consoleOn, let preferred = Self.connectorModes().first else { return }
        let width = UInt32(preferred.hdisplay), height = UInt32(preferred.vdisplay)
        framebuffers[Self.consoleFramebufferID] = FakeFramebuffer(
            id: Self.consoleFramebufferID, width: width, height: height, format: fp_DRM_FORMAT_XRGB8888,
            objects: [FakeGEMObject(size: Int(width * height * 4), label: "fbdev framebuffer")], owner: nil)
        blobs[Self.consoleModeBlobID] = FakeBlob(id: Self.consoleModeBlobID, bytes: Self.bytes(of: preferred), owner: nil)
        values[Self.crtcID]?[FakeProperty.active.id] = 1
        values[Self.crtcID]?[FakeProperty.mode.id] = UInt64(Self.consoleModeBlobID)
        values[Self.connectorID]?[FakeProperty.crtc.id] = UInt64(Self.crtcID)
        showFullScreen(framebuffer: Self.consoleFramebufferID, width: width, height: height, x: 0, y: 0, in: &values)
    }

    /// Puts `framebuffer` on the primary plane covering a `width`x`height`
    /// CRTC from (`x`, `y`) of the framebuffer, as fbdev and SetCrtc do.
    func showFullScreen(framebuffer: UInt32, width: UInt32, height: UInt32, x: UInt32, y: UInt32, in state: inout [UInt32: [UInt32: UInt64]]) {
        let plane = Self.primaryPlaneID
        state[plane]?[FakeProperty.framebuffer.id] = UInt64(framebuffer)
        state[plane]?[FakeProperty.crtc.id] = UInt64(Self.crtcID)
        state[plane]?[FakeProperty.sourceX.id] = UInt64(x) << 16
        state[plane]?[FakeProperty.sourceY.id] = UInt64(y) << 16
        state[plane]?[FakeProperty.sourceWidth.id] = UInt64(width) << 16
        state[plane]?[FakeProperty.sourceHeight.id] = UInt64(height) << 16
        state[plane]?[FakeProperty.crtcX.id] = 0
        state[plane]?[FakeProperty.crtcY.id] = 0
        state[plane]?[FakeProperty.crtcWidth.id] = UInt64(width)
        state[plane]?[FakeProperty.crtcHeight.id] = UInt64(height)
    }

    /// Turns the CRTC off: no mode, no connectors, no planes.
    func disableCrtc(in state: inout [UInt32: [UInt32: UInt64]]) {
        state[Self.crtcID]?[FakeProperty.active.id] = 0
        state[Self.crtcID]?[FakeProperty.mode.id] = 0
        state[Self.connectorID]?[FakeProperty.crtc.id] = 0
        for plane in planeIDs {
            state[plane]?[FakeProperty.framebuffer.id] = 0
            state[plane]?[FakeProperty.crtc.id] = 0
        }
    }

    /// Removes a framebuffer. Planes showing it are turned off first, and
    /// when the primary plane showed it the CRTC too, as the kernel's
    /// `drm_framebuffer_remove` does.
    func removeFramebuffer(_ id: UInt32) {
        for plane in planeIDs where values[plane]?[FakeProperty.framebuffer.id] == UInt64(id) {
            removedWhileShown.append(id)
            if plane == Self.primaryPlaneID {
                disableCrtc(in: &values)
            } else {
                values[plane]?[FakeProperty.framebuffer.id] = 0
                values[plane]?[FakeProperty.crtc.id] = 0
            }
        }
        framebuffers[id] = nil
        collectBlobs()
    }

    /// Frees blobs no client holds and no property refers to.
    func collectBlobs() {
        var referenced: Set<UInt64> = []
        for object in objects.values {
            for property in object.properties where property.isBlob {
                if let value = values[object.id]?[property.id] { referenced.insert(value) }
            }
        }
        blobs = blobs.filter { $0.value.owner != nil || referenced.contains(UInt64($0.key)) }
    }

    /// The last descriptor of `file` closed: what its client held is
    /// released, and each release is reported.
    func release(_ file: FakeOpenFile) -> [String] {
        guard let client = file.client, let index = clients.firstIndex(where: { $0 === client }) else { return [] }
        var notes: [String] = []
        let closing = "by the close of \(file.label)"
        for framebuffer in framebuffers.values.sorted(by: { $0.id < $1.id }) where framebuffer.owner === client {
            removeFramebuffer(framebuffer.id)
            notes.append("framebuffer \(framebuffer.id) removed \(closing)")
        }
        for (handle, object) in client.handles.sorted(by: { $0.key < $1.key }) {
            notes.append("GEM handle \(handle) (\(object.label)) closed \(closing)")
        }
        client.handles = [:]
        client.primeHandles = [:]
        client.mapOffsets = [:]
        for (id, blob) in blobs.sorted(by: { $0.key < $1.key }) where blob.owner === client {
            blobs[id]?.owner = nil
            notes.append("blob \(id) destroyed \(closing)")
        }
        if client.isMaster {
            client.isMaster = false
            if !configuration.implicitMasterOnOpen { notes.append("DRM master dropped \(closing)") }
        }
        pendingFlips = pendingFlips.filter { $0.value.client !== client }
        clients.remove(at: index)
        collectBlobs()
        return notes
    }
}
