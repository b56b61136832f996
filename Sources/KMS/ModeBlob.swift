import CDRM
import Platform

#if canImport(Glibc)
import Glibc
#endif

extension ModeTimings {
    /// The kernel's description of this mode, field for field as it was
    /// read, for a CRTC's MODE_ID blob or `drmModeSetCrtc`.
    ///
    /// The corresponding C type is `drmModeModeInfo` (`struct drm_mode_modeinfo`).
    var kernelModeInfo: drmModeModeInfo {
        var info = drmModeModeInfo()
        info.clock = pixelClockKilohertz
        info.hdisplay = horizontalDisplay
        info.hsync_start = horizontalSyncStart
        info.hsync_end = horizontalSyncEnd
        info.htotal = horizontalTotal
        info.hskew = horizontalSkew
        info.vdisplay = verticalDisplay
        info.vsync_start = verticalSyncStart
        info.vsync_end = verticalSyncEnd
        info.vtotal = verticalTotal
        info.vscan = verticalScan
        info.vrefresh = kernelRefreshHertz
        info.flags = flags
        info.type = type
        withUnsafeMutableBytes(of: &info.name) { bytes in
            // Leave room for the terminating NUL the kernel expects.
            for (index, byte) in name.utf8.prefix(bytes.count - 1).enumerated() {
                bytes[index] = byte
            }
        }
        return info
    }

    /// The bytes of the mode as a MODE_ID blob holds them.
    package var modeBlobBytes: [UInt8] {
        var info = kernelModeInfo
        return withUnsafeBytes(of: &info) { Array($0) }
    }
}

extension Card {
    /// Creates a property blob holding `bytes` (a mode for MODE_ID). The
    /// caller destroys it with ``destroyBlob(_:)``; an object using it keeps
    /// its own reference.
    ///
    /// The corresponding call is `drmModeCreatePropertyBlob`.
    func createBlob(_ bytes: [UInt8]) throws(DeviceError) -> BlobID {
        let descriptor = fd.rawValue
        var id: UInt32 = 0
        try checkedCall("drmModeCreatePropertyBlob", device: path) {
            bytes.withUnsafeBytes { raw in
                drm.drmModeCreatePropertyBlob(descriptor, raw.baseAddress, raw.count, &id)
            }
        }
        return BlobID(id)
    }

    /// Drops this process's reference to a blob. ENODEV (card gone) is not
    /// an error: the blob went with it.
    ///
    /// The corresponding call is `drmModeDestroyPropertyBlob`.
    func destroyBlob(_ blob: BlobID) throws(DeviceError) {
        let descriptor = fd.rawValue
        do {
            try checkedCall("drmModeDestroyPropertyBlob", device: path) {
                drm.drmModeDestroyPropertyBlob(descriptor, blob.rawValue)
            }
        } catch where error.errnoCode == ENODEV {}
    }
}
