import CDRM
import Platform

#if canImport(Glibc)
import Glibc
#endif

/// Where the C flip handler puts events while `drmHandleEvent` runs.
///
/// The handler is a C function pointer and cannot capture Swift context, so
/// the buffer of the call in progress is published in a thread-specific
/// slot for the duration of the call: handlers run synchronously inside
/// `drmHandleEvent`, on the calling thread. The storage is allocated once;
/// handling events allocates nothing.
final class FlipEventBuffer {
    /// One `read` by `drmHandleEvent` takes at most 1024 bytes, and a flip
    /// event is 32, so 32 events fit in one call; room for more is spare.
    static let capacity = 64
    private let storage: UnsafeMutablePointer<RawFlipEvent>
    private(set) var count = 0

    init() {
        storage = .allocate(capacity: Self.capacity)
    }

    deinit {
        storage.deallocate()
    }

    func removeAll() { count = 0 }

    func append(_ event: RawFlipEvent) {
        guard count < Self.capacity else { return }
        (storage + count).initialize(to: event)
        count += 1
    }

    subscript(index: Int) -> RawFlipEvent { storage[index] }

    /// Reads the card's pending events into this buffer.
    ///
    /// The corresponding call is `drmHandleEvent` with a version 3
    /// `drmEventContext` whose `page_flip_handler2` receives the CRTC id.
    ///
    /// - Returns: how many flip events were read (0 when none was waiting).
    func read(from descriptor: Int32, device: String, drm: any DRMInterface) throws(DeviceError) -> Int {
        removeAll()
        let slot = flipEventSlot
        pthread_setspecific(slot, Unmanaged.passUnretained(self).toOpaque())
        defer { pthread_setspecific(slot, nil) }

        var context = drmEventContext()
        context.version = 3
        context.page_flip_handler2 = { _, sequence, seconds, microseconds, crtc, userData in
            guard let opaque = pthread_getspecific(flipEventSlot) else { return }
            let buffer = Unmanaged<FlipEventBuffer>.fromOpaque(opaque).takeUnretainedValue()
            buffer.append(RawFlipEvent(
                sequence: sequence, seconds: seconds, microseconds: microseconds, crtc: crtc,
                userData: UInt64(UInt(bitPattern: userData))))
        }
        while true {
            errno = 0
            if drm.drmHandleEvent(descriptor, &context) == 0 { return count }
            let code = errno
            switch code {
            case EINTR: continue
            // The descriptor is non-blocking: nothing to read is not an error.
            case EAGAIN, 0: return count
            default: throw DeviceError(call: "drmHandleEvent", errnoCode: code, device: device)
            }
        }
    }
}

/// The thread-specific slot through which the C flip handler finds the
/// ``FlipEventBuffer`` of the `drmHandleEvent` call running on its thread.
private let flipEventSlot: pthread_key_t = {
    var key = pthread_key_t()
    let result = pthread_key_create(&key, nil)
    precondition(result == 0, "pthread_key_create failed with \(result)")
    return key
}()
