import CKernelShim
import CDRM
import Platform
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Reference counts of the GEM handles of one card descriptor.
///
/// A GEM handle is the descriptor's name for a buffer. The kernel does not
/// count references to it: `drmPrimeFDToHandle` returns the same handle for
/// every import of one dma-buf, and for a dma-buf this card exported it
/// returns the exporter's own handle (libdrm's xf86drm.h warns about exactly
/// this). So every holder (a dumb buffer, each framebuffer) counts one
/// reference here and only the last one closes the handle. The lookup and
/// the close happen under one lock so an import cannot pick up a handle that
/// is being closed.
final class GEMHandleTable: Sendable {
    private let references = Mutex<[UInt32: Int]>([:])

    /// Runs `obtain`, which gets handles from the kernel, and counts one
    /// reference for each distinct handle it returns, all under the lock.
    /// `obtain` is shown the handles already counted, so that if it fails
    /// halfway it can close the ones that are new.
    func acquire<Failure: Error>(
        _ obtain: (_ counted: [UInt32: Int]) throws(Failure) -> [UInt32]
    ) throws(Failure) -> [UInt32] {
        try references.withLock { (table) throws(Failure) -> [UInt32] in
            var distinct: [UInt32] = []
            for handle in try obtain(table) where !distinct.contains(handle) {
                distinct.append(handle)
                table[handle, default: 0] += 1
            }
            return distinct
        }
    }

    /// Drops one reference to each handle; for a handle whose last reference
    /// goes, runs `close` (under the lock). Every handle is released even if
    /// a close fails; the first failure is thrown afterwards.
    func release(_ handles: [UInt32], close: (UInt32) throws(DeviceError) -> Void) throws(DeviceError) {
        let failure: DeviceError? = references.withLock { table in
            var failure: DeviceError?
            for handle in handles {
                guard let count = table[handle] else { continue }
                if count > 1 {
                    table[handle] = count - 1
                    continue
                }
                table[handle] = nil
                do throws(DeviceError) {
                    try close(handle)
                } catch {
                    if failure == nil { failure = error }
                }
            }
            return failure
        }
        if let failure { throw failure }
    }

    /// How many handles are open.
    var openHandleCount: Int {
        references.withLock { $0.count }
    }
}

extension IoctlRequest {
    /// `DRM_IOCTL_GEM_CLOSE`.
    static let gemClose = IoctlRequest("DRM_IOCTL_GEM_CLOSE", fp_DRM_IOCTL_GEM_CLOSE)
}

extension Card {
    /// Closes a GEM handle in the kernel. Only ``GEMHandleTable`` decides
    /// when. A card that has gone away (ENODEV) has dropped its handles
    /// already.
    ///
    /// The corresponding ioctl is `DRM_IOCTL_GEM_CLOSE`.
    func closeGEMHandle(_ handle: UInt32) throws(DeviceError) {
        var argument = drm_gem_close()
        argument.handle = handle
        do {
            try fd.control(.gemClose, &argument)
        } catch where error.errnoCode == ENODEV {
            return
        }
    }

    /// How many GEM handles framepipe holds open on this card (for tests
    /// that check teardown).
    package var openGEMHandleCount: Int { gemHandles.openHandleCount }
}
