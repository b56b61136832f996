import CKernelShim
import Synchronization
import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// A private epoll instance that stands between an event loop and the
/// device descriptors it waits on: the loop watches this one descriptor,
/// which never hangs up and lives for the whole run, and the devices are
/// added to and removed from it here, synchronously, on the caller's thread.
///
/// Why: libdispatch's epoll backend on Linux crashes when a descriptor it
/// watches hangs up (an unplugged V4L2 node polls `POLLERR|POLLHUP`). On
/// `EPOLLHUP` its manager thread hands the source's unote a delete event,
/// which lets the source's own queue unregister it and free its epoll
/// bookkeeping (the "muxnote"), while the manager still reads that muxnote
/// to `EPOLL_CTL_DEL` the descriptor (`_dispatch_event_merge_fd` in
/// event_epoll.c; swift-corelibs-libdispatch issues 833 and 949). A
/// registration left behind then reports events for freed memory, and
/// `_dispatch_event_loop_drain` dereferences it: framepipe's `--reconnect`
/// crashed there (issue 18; reproduced in the lab within 30 unplugs).
/// Cancelling the source first, closing the descriptor only in its
/// cancellation handler, or watching a `dup()` cannot help: the race is
/// inside libdispatch, between the hang-up and any cancellation.
///
/// With this set between them, libdispatch only ever watches an epoll
/// descriptor: it reports `EPOLLIN` while one of its devices is ready,
/// never `EPOLLHUP`, and keeps the same number until the run ends, so no
/// source is created or cancelled when a device goes away or comes back.
/// A device that hung up stays readable here until it is removed, which
/// the pipeline does (``remove(_:)``) as soon as it has learnt why, before
/// the descriptor is closed (epoll forgets a descriptor by itself only when
/// its last reference goes, and a mapping or a `dup()` may keep one).
///
/// Level-triggered: a device stays ready here for as long as it polls
/// ready, as it would for a direct read source.
package final class ReadinessSet: Sendable {
    /// The epoll descriptor the event loop watches.
    package let fileDescriptor: Int32
    private let kernel: any KernelInterface
    private let name: String
    /// The descriptors added and not yet removed.
    private let watched = Mutex<[Int32]>([])

    /// The events a device is watched for: readable; errors and hang-ups
    /// are always reported.
    package static let readable = fp_EPOLLIN

    /// Creates the epoll instance; `name` says in errors what it serves.
    package init(name: String, kernel: any KernelInterface) throws(DeviceError) {
        self.kernel = kernel
        self.name = name
        fileDescriptor = try checkedCall("epoll_create1", device: name) { kernel.epoll_create() }
    }

    /// Starts watching `descriptor` (it must stay open until ``remove(_:)``);
    /// a wait reports it with `token`.
    package func add(_ descriptor: borrowing OwnedFD, token: UInt64 = 0) throws(DeviceError) {
        let number = descriptor.rawValue
        try checkedCall("epoll_ctl(EPOLL_CTL_ADD)", device: descriptor.path) {
            kernel.epoll_add(fileDescriptor, number, Self.readable, token)
        }
        watched.withLock { $0.append(number) }
    }

    /// Starts watching `descriptor` for one event only: after a wait
    /// reported it, it is not reported again until ``rearm(_:token:)``.
    package func addOneShot(_ descriptor: borrowing OwnedFD, token: UInt64) throws(DeviceError) {
        let number = descriptor.rawValue
        try checkedCall("epoll_ctl(EPOLL_CTL_ADD)", device: descriptor.path) {
            kernel.epoll_add(fileDescriptor, number, Self.readable | fp_EPOLLONESHOT, token)
        }
        watched.withLock { $0.append(number) }
    }

    /// Watches one-shot `descriptor` (added with ``addOneShot(_:token:)``)
    /// for its next event.
    package func rearm(_ descriptor: Int32, token: UInt64) throws(DeviceError) {
        try checkedCall("epoll_ctl(EPOLL_CTL_MOD)", device: name) {
            kernel.epoll_modify(fileDescriptor, descriptor, Self.readable | fp_EPOLLONESHOT, token)
        }
    }

    /// Stops watching `descriptor`. Call before closing it. Removing one
    /// that is not watched does nothing.
    package func remove(_ descriptor: borrowing OwnedFD) {
        remove(number: descriptor.rawValue)
    }

    /// Stops watching every descriptor (a run that ends: nothing wakes the
    /// loop any more, whatever state the devices are in).
    package func removeAll() {
        for number in watched.withLock({ $0 }) { remove(number: number) }
    }

    /// Stops watching every descriptor but `kept` (a waiter thread's own
    /// wake-up, which must still reach it once the devices are left).
    package func removeAll(except kept: borrowing OwnedFD) {
        let keptNumber = kept.rawValue
        for number in watched.withLock({ $0 }) where number != keptNumber { remove(number: number) }
    }

    private func remove(number: Int32) {
        let present = watched.withLock { list -> Bool in
            guard let index = list.firstIndex(of: number) else { return false }
            list.remove(at: index)
            return true
        }
        // ENOENT or EBADF would mean it was closed already: nothing left to undo.
        if present { _ = kernel.epoll_delete(fileDescriptor, number) }
    }

    /// Whether any descriptor is watched.
    package var isEmpty: Bool { watched.withLock { $0.isEmpty } }

    /// Waits up to `timeoutMilliseconds` (-1: for ever) for watched
    /// descriptors to be ready and stores their tokens and events; returns
    /// how many (0 on timeout or EINTR).
    package func wait(
        tokens: UnsafeMutablePointer<UInt64>, events: UnsafeMutablePointer<UInt32>, capacity: Int, timeoutMilliseconds: Int32
    ) throws(DeviceError) -> Int {
        let count = kernel.epoll_wait(fileDescriptor, tokens, events, Int32(clamping: capacity), timeoutMilliseconds)
        if count >= 0 { return Int(count) }
        if errno == EINTR { return 0 }
        throw DeviceError(call: "epoll_wait", errno: Errno(rawValue: errno), device: name)
    }

    deinit {
        removeAll()
        _ = kernel.close(fileDescriptor, backend: .system)
    }
}
