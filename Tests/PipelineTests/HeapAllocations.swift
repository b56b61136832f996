import CKernelShim
import MallocInterposerSwift
import Synchronization
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Heap allocations of the code under test, counted on every thread by
/// ordo-one's malloc interposer (linked into this bundle; it counts only
/// while asked), leaving out those a ``FakeKernel`` makes for its own
/// traces and tables (the allocating thread holds its lock).
///
/// Whatever runs meanwhile is counted too: count a window in which nothing
/// but the code under test runs.
enum HeapAllocations {
    /// What ``count(_:)`` saw.
    struct Counted: CustomStringConvertible {
        /// Allocations outside any fake kernel.
        var allocations: Int
        /// Allocations a fake kernel made: above zero, they show that the
        /// interposer was counting (a window with none proves nothing).
        var insideFakeKernel: Int
        /// The first few of them: size in bytes and the allocating thread's name.
        var first: [(bytes: Int, thread: String)]

        var description: String {
            "\(allocations) allocation(s) (\(insideFakeKernel) in the fake kernel)" + (first.isEmpty ? "" : ": " + first.map { "\($0.bytes) bytes on \($0.thread)" }.joined(separator: ", "))
        }
    }

    /// How many allocations are described (sizes and threads kept).
    private static let kept = 16
    private static let total = Atomic<Int>(0)
    private static let insideFake = Atomic<Int>(0)
    /// Per kept allocation: its size, then its thread's name (16 bytes).
    nonisolated(unsafe) private static let sizes = UnsafeMutablePointer<Int>.allocate(capacity: kept)
    nonisolated(unsafe) private static let threadNames = UnsafeMutablePointer<CChar>.allocate(capacity: kept * 16)
    /// One count at a time (the hook and the counters are process-wide).
    private static let serial = Mutex(())

    /// Counts the allocations made outside any fake kernel while `body`
    /// runs, on any thread.
    static func count(_ body: () throws -> Void) rethrows -> Counted {
        try serial.withLock { _ in
            total.store(0, ordering: .relaxed)
            insideFake.store(0, ordering: .relaxed)
            threadNames.initialize(repeating: 0, count: kept * 16)
            _ = FakeKernel.isCurrentThreadInside  // its key made before counting
            MallocInterposerSwift.setAllocationHook { bytes in
                guard !FakeKernel.isCurrentThreadInside else {
                    HeapAllocations.insideFake.add(1, ordering: .relaxed)
                    return
                }
                let index = HeapAllocations.total.add(1, ordering: .relaxed).oldValue
                guard index < HeapAllocations.kept else { return }
                HeapAllocations.sizes[index] = bytes
                _ = fp_get_thread_name(HeapAllocations.threadNames + index * 16, 16)
            }
            MallocInterposerSwift.initialize()
            MallocInterposerSwift.hook()
            defer {
                MallocInterposerSwift.unhook()
                MallocInterposerSwift.setAllocationHook(nil)
            }
            try body()
        }
        let allocations = total.load(ordering: .relaxed)
        let first = (0..<min(allocations, kept)).map { index in
            (bytes: sizes[index], thread: String(cString: threadNames + index * 16))
        }
        return Counted(allocations: allocations, insideFakeKernel: insideFake.load(ordering: .relaxed), first: first)
    }
}
