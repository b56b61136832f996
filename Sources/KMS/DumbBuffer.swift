import CDRM
import CKernelShim
import Platform

#if canImport(Glibc)
import Glibc
#endif

extension IoctlRequest {
    /// `DRM_IOCTL_MODE_CREATE_DUMB`.
    static let createDumb = IoctlRequest("DRM_IOCTL_MODE_CREATE_DUMB", fp_DRM_IOCTL_MODE_CREATE_DUMB)
    /// `DRM_IOCTL_MODE_MAP_DUMB`.
    static let mapDumb = IoctlRequest("DRM_IOCTL_MODE_MAP_DUMB", fp_DRM_IOCTL_MODE_MAP_DUMB)
    /// `DRM_IOCTL_MODE_DESTROY_DUMB`.
    static let destroyDumb = IoctlRequest("DRM_IOCTL_MODE_DESTROY_DUMB", fp_DRM_IOCTL_MODE_DESTROY_DUMB)
}

/// A buffer the display allocates itself: linear, scan-out capable memory
/// that a plane can show and that can be shared as a dma-buf (the reverse
/// direction of the pipeline: display-allocated buffers handed to V4L2 with
/// `V4L2_MEMORY_DMABUF`).
///
/// The buffer owns one reference to its GEM handle; the handle is destroyed
/// when the buffer and every framebuffer made from it are gone. Mapping the
/// pixels into this process is for writeback snapshots and tests only: the
/// frame path never touches pixels.
///
/// Not thread-safe: use it from one queue.
package final class DumbBuffer {
    /// The card the buffer lives on (kept alive while the buffer is).
    package let card: Card
    /// The GEM handle on the card's descriptor.
    package let handle: UInt32
    /// Width in pixels, as asked for in `drm_mode_create_dumb.width`.
    package let width: Int
    /// Height in pixels (`drm_mode_create_dumb.height`).
    package let height: Int
    /// Bits per pixel asked for (`drm_mode_create_dumb.bpp`): 32 for XRGB8888;
    /// the driver sizes the buffer from it, whatever the format.
    package let bitsPerPixel: Int
    /// Bytes per line, as the driver chose it.
    package let pitch: Int
    /// Bytes in the whole buffer.
    package let size: Int
    private var mapping: UnsafeMutableRawBufferPointer?

    fileprivate init(card: Card, width: Int, height: Int, bitsPerPixel: Int) throws(DeviceError) {
        var request = drm_mode_create_dumb()
        request.width = UInt32(width)
        request.height = UInt32(height)
        request.bpp = UInt32(bitsPerPixel)
        _ = try card.gemHandles.acquire { (_) throws(DeviceError) -> [UInt32] in
            try card.fd.control(.createDumb, &request)
            return [request.handle]
        }
        self.card = card
        self.handle = request.handle
        self.width = width
        self.height = height
        self.bitsPerPixel = bitsPerPixel
        self.pitch = Int(request.pitch)
        self.size = Int(request.size)
    }

    deinit {
        if let mapping, let base = mapping.baseAddress {
            _ = card.kernel.munmap(base, mapping.count, backend: .system)
        }
        let card = self.card
        try? card.gemHandles.release([handle]) { (handle) throws(DeviceError) in
            var request = drm_mode_destroy_dumb()
            request.handle = handle
            do throws(DeviceError) {
                try card.fd.control(.destroyDumb, &request)
            } catch where error.errnoCode == ENODEV {}
        }
    }

    /// Shares the buffer as a dma-buf (read-write, close-on-exec). The
    /// caller owns the returned descriptor.
    ///
    /// The corresponding call is `drmPrimeHandleToFD`.
    package func exportDmaBuf() throws(DeviceError) -> OwnedFD {
        let descriptor = card.fd.rawValue
        let handle = self.handle
        var exported: Int32 = -1
        try checkedCall("drmPrimeHandleToFD", device: card.path) {
            card.drm.drmPrimeHandleToFD(descriptor, handle, UInt32(DRM_CLOEXEC | DRM_RDWR), &exported)
        }
        // Derived from the card's descriptor: the dma-buf belongs to the
        // card's kernel and is closed there.
        return card.fd.derived(exported, path: "\(card.path) dumb buffer \(handle) (dma-buf)")
    }

    /// The layout of this buffer as one plane of `format` in the dma-buf
    /// `descriptor` (typically from ``exportDmaBuf()``).
    package func layout(format: FourCC, dmaBufDescriptor descriptor: Int32) -> FramebufferLayout {
        FramebufferLayout(
            width: width, height: height, format: format, modifier: .linear,
            planes: [FramebufferPlane(dmaBufDescriptor: descriptor, offset: 0, pitch: UInt32(pitch))])
    }

    /// Makes a framebuffer of this buffer directly from its handle (no
    /// dma-buf round trip). The framebuffer holds its own reference to the
    /// handle; remove it with ``Card/removeFramebuffer(_:)``.
    ///
    /// The corresponding call is `drmModeAddFB2`.
    package func addFramebuffer(format: FourCC) throws(DeviceError) -> ImportedFramebuffer {
        let handle = self.handle
        _ = card.gemHandles.acquire { _ in [handle] }
        let layout = FramebufferLayout(
            width: width, height: height, format: format, modifier: .linear,
            planes: [FramebufferPlane(dmaBufDescriptor: 0, offset: 0, pitch: UInt32(pitch))])
        do {
            let id = try card.addFramebuffer(layout, planeHandles: [handle], useModifiers: false)
            return ImportedFramebuffer(id: id, width: width, height: height, format: format, modifier: .linear, handles: [handle])
        } catch {
            try? card.gemHandles.release([handle], close: card.closeGEMHandle)
            throw error
        }
    }

    /// The pixels, mapped into this process on first use and unmapped when
    /// the buffer goes away. For writeback snapshots and tests only.
    ///
    /// The corresponding calls are `DRM_IOCTL_MODE_MAP_DUMB` and `mmap`.
    package func mappedBytes() throws(DeviceError) -> UnsafeMutableRawBufferPointer {
        if let mapping { return mapping }
        var request = drm_mode_map_dumb()
        request.handle = handle
        try card.fd.control(.mapDumb, &request)
        let address = card.kernel.mmap(
            size, PROT_READ | PROT_WRITE, MAP_SHARED, card.fd.rawValue, off_t(bitPattern: UInt(request.offset)), backend: .system)
        guard let address else {
            throw DeviceError(call: "mmap", errnoCode: errno, device: card.path)
        }
        let mapped = UnsafeMutableRawBufferPointer(start: address, count: size)
        mapping = mapped
        return mapped
    }

    /// A copy of the pixels.
    package func copyBytes() throws(DeviceError) -> [UInt8] {
        Array(UnsafeRawBufferPointer(try mappedBytes()))
    }
}

extension Card {
    /// Allocates a dumb buffer: `width`×`height` pixels of `bitsPerPixel`
    /// bits (32 for XRGB8888), zero-filled by the kernel.
    ///
    /// The corresponding ioctl is `DRM_IOCTL_MODE_CREATE_DUMB`.
    package func createDumbBuffer(width: Int, height: Int, bitsPerPixel: Int = 32) throws(DeviceError) -> DumbBuffer {
        guard width > 0, height > 0, bitsPerPixel > 0,
              width <= Int(UInt32.max), height <= Int(UInt32.max), bitsPerPixel <= Int(UInt32.max) else {
            throw DeviceError(call: "DRM_IOCTL_MODE_CREATE_DUMB", errnoCode: EINVAL, device: path)
        }
        return try DumbBuffer(card: self, width: width, height: height, bitsPerPixel: bitsPerPixel)
    }
}
