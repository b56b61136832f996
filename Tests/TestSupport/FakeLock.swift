import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The fake kernel's one lock: a condition (a blocked `epoll_wait` waits on
/// it) that also tells whether the calling thread is inside the fake.
/// Every call into the fake and every move of its hardware holds it; code
/// under test never does. So a test counting the heap allocations of the
/// code under test (``FakeKernel/isCurrentThreadInside``, read from the
/// allocator's hook) leaves out the fake's own: its traces and tables.
final class FakeLock: NSLocking, @unchecked Sendable {
    private let condition = NSCondition()

    /// Per thread: how deep in `lock()` it is (a key's value, as a number).
    private static let depthKey: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "pthread_key_create")
        return key
    }()

    /// Whether the calling thread holds a fake kernel's lock. Allocates
    /// nothing (an allocator's hook may call it).
    static var isHeldByCurrentThread: Bool { depth > 0 }

    private static var depth: Int {
        get { Int(bitPattern: pthread_getspecific(depthKey)) }
        set { pthread_setspecific(depthKey, UnsafeRawPointer(bitPattern: newValue)) }
    }

    func lock() {
        condition.lock()
        Self.depth += 1
    }

    func unlock() {
        Self.depth -= 1
        condition.unlock()
    }

    /// Releases the lock until ``broadcast()`` (the thread stays inside the fake).
    func wait() { condition.wait() }

    /// As ``wait()``, until `date` at the latest; false when it timed out.
    func wait(until date: Date) -> Bool { condition.wait(until: date) }

    /// Wakes every waiter.
    func broadcast() { condition.broadcast() }
}

extension FakeKernel {
    /// Whether the calling thread is inside a fake kernel (holds its lock):
    /// for tests that count the heap allocations of the code under test
    /// and leave the fake's out. Allocates nothing.
    public static var isCurrentThreadInside: Bool { FakeLock.isHeldByCurrentThread }
}
