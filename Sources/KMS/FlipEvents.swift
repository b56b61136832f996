import CDRM
import Platform

#if canImport(Glibc)
import Glibc
#endif

/// A completed page flip: whose frame is now on screen (the tag given to
/// ``Display/show(framebuffer:tag:)``), since which vblank.
public struct FlipEvent: Sendable, Hashable, CustomStringConvertible {
    /// The CRTC's vblank counter at the flip.
    public let sequence: UInt32
    /// When the vblank happened, in nanoseconds. On a card whose
    /// capabilities report `timestampMonotonic` this is CLOCK_MONOTONIC,
    /// comparable with V4L2 buffer timestamps.
    public let timestampNanoseconds: UInt64
    /// The CRTC whose flip completed.
    public let crtc: CrtcID
    /// The tag the commit was made with: whose frame the flip put on screen.
    public let tag: UInt32

    /// An event as the kernel reported it.
    public init(sequence: UInt32, timestampNanoseconds: UInt64, crtc: CrtcID, tag: UInt32) {
        self.sequence = sequence
        self.timestampNanoseconds = timestampNanoseconds
        self.crtc = crtc
        self.tag = tag
    }

    /// The kernel's `tv_sec`/`tv_usec` pair in nanoseconds.
    public static func nanoseconds(seconds: UInt32, microseconds: UInt32) -> UInt64 {
        UInt64(seconds) * 1_000_000_000 + UInt64(microseconds) * 1_000
    }

    /// "flip of tag 2 on CRTC 37 at vblank 118, t=... ns".
    public var description: String {
        "flip of tag \(tag) on CRTC \(crtc) at vblank \(sequence), t=\(timestampNanoseconds) ns"
    }
}

/// What the user data of a commit says, packed into the kernel's 64 bits:
/// the caller's tag in the low half, and what the commit was for in the
/// high half, so an event can be told apart from the display's own commits
/// (writeback snapshots) without a lookup.
enum FlipPurpose: UInt32 {
    /// A frame shown with `show`.
    case show = 1
    /// A writeback snapshot.
    case snapshot = 2

    func userData(tag: UInt32) -> UInt64 {
        UInt64(rawValue) << 32 | UInt64(tag)
    }

    static func decode(_ userData: UInt64) -> (FlipPurpose?, tag: UInt32) {
        (FlipPurpose(rawValue: UInt32(truncatingIfNeeded: userData >> 32)), UInt32(truncatingIfNeeded: userData))
    }
}

/// One event as the C handler saw it.
struct RawFlipEvent {
    var sequence: UInt32
    var seconds: UInt32
    var microseconds: UInt32
    var crtc: UInt32
    var userData: UInt64
}

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
    func read(from descriptor: Int32, device: String, kernel: any KernelInterface) throws(DeviceError) -> Int {
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
            if kernel.drmHandleEvent(descriptor, &context) == 0 { return count }
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
