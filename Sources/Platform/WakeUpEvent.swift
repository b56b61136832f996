import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// An eventfd: one thread's way to wake another that sleeps in
/// `epoll_wait` or `poll` on it (a waiter thread told to stop, say).
/// Non-blocking; writes add up until read.
package final class WakeUpEvent: Sendable {
    /// The eventfd itself, readable once signalled.
    package let descriptor: OwnedFD

    /// Makes the eventfd (`name` says in errors what it serves).
    package init(name: String, kernel: any KernelInterface) throws(DeviceError) {
        let number = try checkedCall("eventfd", device: name) { kernel.eventfd(0) }
        descriptor = OwnedFD(adopting: number, path: name, kernel: kernel)
    }

    /// Wakes whoever waits on it (from any thread).
    package func signal() {
        var one: UInt64 = 1
        _ = withUnsafeBytes(of: &one) { bytes in
            guard let base = bytes.baseAddress else { return -1 }
            return descriptor.kernel.write(descriptor.rawValue, base, bytes.count)
        }
    }
}
