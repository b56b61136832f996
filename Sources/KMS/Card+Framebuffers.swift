import CDRM
import Platform

#if canImport(Glibc)
import Glibc
#endif

extension Card {
    /// Makes a framebuffer of memory shared as dma-bufs, without touching
    /// the pixels: each distinct descriptor becomes a GEM handle
    /// (`drmPrimeFDToHandle`; importing a buffer again yields the same
    /// handle, which is counted, not duplicated), then the handles become a
    /// framebuffer. With `useModifiers` (the plane lists modifiers in
    /// IN_FORMATS and the card has `DRM_CAP_ADDFB2_MODIFIERS`) the layout's
    /// modifier is passed explicitly.
    ///
    /// On failure every handle taken is given back.
    ///
    /// The corresponding calls are `drmPrimeFDToHandle` and
    /// `drmModeAddFB2WithModifiers` or `drmModeAddFB2`.
    package func importFramebuffer(_ layout: FramebufferLayout, useModifiers: Bool) throws -> ImportedFramebuffer {
        try validate(layout)
        let descriptor = fd.rawValue
        let device = path
        var planeHandles: [UInt32] = []
        let distinct = try gemHandles.acquire { (counted) throws(DeviceError) -> [UInt32] in
            var handleByDescriptor: [Int32: UInt32] = [:]
            for plane in layout.planes {
                if let known = handleByDescriptor[plane.dmaBufDescriptor] {
                    planeHandles.append(known)
                    continue
                }
                var handle: UInt32 = 0
                do throws(DeviceError) {
                    try checkedCall("drmPrimeFDToHandle", device: device) {
                        drm.drmPrimeFDToHandle(descriptor, plane.dmaBufDescriptor, &handle)
                    }
                } catch {
                    // Give back the handles this import opened before failing.
                    for opened in Set(planeHandles) where counted[opened] == nil {
                        try? closeGEMHandle(opened)
                    }
                    throw error
                }
                handleByDescriptor[plane.dmaBufDescriptor] = handle
                planeHandles.append(handle)
            }
            return planeHandles
        }
        do {
            let id = try addFramebuffer(layout, planeHandles: planeHandles, useModifiers: useModifiers)
            return ImportedFramebuffer(
                id: id, width: layout.width, height: layout.height, format: layout.format,
                modifier: layout.modifier, handles: distinct)
        } catch {
            try? gemHandles.release(distinct, close: closeGEMHandle)
            throw error
        }
    }

    /// Adds a framebuffer over GEM handles whose references the caller has
    /// already counted (a dumb buffer's own handle, or imported ones).
    func addFramebuffer(_ layout: FramebufferLayout, planeHandles: [UInt32], useModifiers: Bool) throws(DeviceError) -> FramebufferID {
        var handles: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)
        var pitches: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)
        var offsets: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)
        var modifiers: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &handles) { handleBytes in
            withUnsafeMutableBytes(of: &pitches) { pitchBytes in
                withUnsafeMutableBytes(of: &offsets) { offsetBytes in
                    withUnsafeMutableBytes(of: &modifiers) { modifierBytes in
                        for (index, plane) in layout.planes.enumerated() {
                            handleBytes.storeBytes(of: planeHandles[index], toByteOffset: index * 4, as: UInt32.self)
                            pitchBytes.storeBytes(of: plane.pitch, toByteOffset: index * 4, as: UInt32.self)
                            offsetBytes.storeBytes(of: plane.offset, toByteOffset: index * 4, as: UInt32.self)
                            modifierBytes.storeBytes(of: layout.modifier.rawValue, toByteOffset: index * 8, as: UInt64.self)
                        }
                    }
                }
            }
        }

        let descriptor = fd.rawValue
        let width = UInt32(layout.width), height = UInt32(layout.height), format = layout.format.rawValue
        var id: UInt32 = 0
        // An explicit modifier only where the card takes one and the layout
        // names a real one; INVALID means "let the driver infer it".
        let explicit = useModifiers && capabilities.addFramebuffer2Modifiers && layout.modifier != .invalid
        let call = explicit ? "drmModeAddFB2WithModifiers" : "drmModeAddFB2"
        let drm = self.drm
        try checkedCall(call, device: path) {
            withUnsafePointer(to: &handles) { handlePointer in
                withUnsafePointer(to: &pitches) { pitchPointer in
                    withUnsafePointer(to: &offsets) { offsetPointer in
                        withUnsafePointer(to: &modifiers) { modifierPointer in
                            drm.drmModeAddFB2(
                                descriptor, width, height, format,
                                UnsafeRawPointer(handlePointer).assumingMemoryBound(to: UInt32.self),
                                UnsafeRawPointer(pitchPointer).assumingMemoryBound(to: UInt32.self),
                                UnsafeRawPointer(offsetPointer).assumingMemoryBound(to: UInt32.self),
                                explicit ? UnsafeRawPointer(modifierPointer).assumingMemoryBound(to: UInt64.self) : nil,
                                &id, explicit ? UInt32(DRM_MODE_FB_MODIFIERS) : 0)
                        }
                    }
                }
            }
        }
        return FramebufferID(id)
    }

    /// Removes a framebuffer and gives back its GEM handles; a handle closes
    /// (`DRM_IOCTL_GEM_CLOSE`) when no other framebuffer or dumb buffer holds
    /// it. A framebuffer still on screen is taken off by the kernel, which
    /// disables the planes showing it; restore the display first.
    ///
    /// A card that has gone away (ENODEV) has removed everything already;
    /// that is not an error.
    ///
    /// The corresponding calls are `drmModeRmFB` and `DRM_IOCTL_GEM_CLOSE`.
    package func removeFramebuffer(_ framebuffer: ImportedFramebuffer) throws(DeviceError) {
        let descriptor = fd.rawValue
        var failure: DeviceError?
        do {
            try checkedCall("drmModeRmFB", device: path) { drm.drmModeRmFB(descriptor, framebuffer.id.rawValue) }
        } catch where error.errnoCode != ENODEV {
            failure = error
        } catch {}
        do {
            try gemHandles.release(framebuffer.handles, close: closeGEMHandle)
        } catch {
            if failure == nil { failure = error }
        }
        if let failure { throw failure }
    }

    private func validate(_ layout: FramebufferLayout) throws(DisplayError) {
        func fail(_ reason: String) -> DisplayError { .invalidFramebufferLayout(reason: reason, device: path) }
        guard layout.width > 0, layout.height > 0, layout.width <= Int(UInt32.max), layout.height <= Int(UInt32.max) else {
            throw fail("size \(layout.width)x\(layout.height) is not a framebuffer size")
        }
        guard (1...4).contains(layout.planes.count) else {
            throw fail("\(layout.planes.count) planes given; a framebuffer has 1 to 4")
        }
        for (index, plane) in layout.planes.enumerated() where plane.dmaBufDescriptor < 0 || plane.pitch == 0 {
            throw fail("plane \(index) has descriptor \(plane.dmaBufDescriptor) and pitch \(plane.pitch)")
        }
    }
}
