import CKernelShim

#if canImport(Glibc)
import Glibc
#endif

/// Counts the system calls this process makes, every thread, from the
/// kernel's `raw_syscalls:sys_enter` tracepoint through perf_event_open(2):
/// one counter per thread alive at ``start()`` (threads they start later are
/// inherited, and counted once they exit). It needs what perf needs for a
/// tracepoint: root or CAP_PERFMON, and tracefs. Benchmarks use it to put
/// a figure on what the event loop costs per frame; it never runs in
/// preview.
package final class SystemCallCounter {
    private var counters: [(thread: Int32, descriptor: Int32)] = []

    /// Why counting is not possible here, or nil when it is.
    package private(set) var unavailableReason: String?

    /// A counter that has not started yet.
    package init() {}

    deinit { close() }

    /// The tracepoint's id, from tracefs or its older debugfs location.
    private static func tracepointID() -> UInt64? {
        for root in ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"] {
            if let text = smallFile(root + "/events/raw_syscalls/sys_enter/id"),
               let word = text.split(whereSeparator: \.isWhitespace).first, let id = UInt64(word) {
                return id
            }
        }
        return nil
    }

    /// The first 64 bytes of a file (a number in tracefs), nil when it
    /// cannot be read.
    private static func smallFile(_ path: String) -> String? {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { Glibc.close(fd) }
        var bytes = [UInt8](repeating: 0, count: 64)
        let count = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        return count < 0 ? nil : String(decoding: bytes.prefix(count), as: UTF8.self)
    }

    /// The ids of this process's threads.
    package static func threads() -> Set<Int32> {
        let names = SystemKernel.shared.directoryEntries("/proc/self/task") ?? []
        return Set(names.compactMap { Int32($0) })
    }

    /// Starts counting on every thread now alive. Returns false (and sets
    /// ``unavailableReason``) when the kernel will not count.
    @discardableResult
    package func start() -> Bool {
        close()
        guard let id = Self.tracepointID() else {
            unavailableReason = "the raw_syscalls:sys_enter tracepoint is not readable (tracefs, root)"
            return false
        }
        // struct perf_event_attr, PERF_ATTR_SIZE_VER0 (64 bytes): type,
        // size, config; flags at byte 40: inherit (bit 1); counting from
        // the start (disabled = 0), user and kernel.
        var attribute = [UInt8](repeating: 0, count: 64)
        attribute.withUnsafeMutableBytes { bytes in
            bytes.storeBytes(of: UInt32(2), toByteOffset: 0, as: UInt32.self)  // PERF_TYPE_TRACEPOINT
            bytes.storeBytes(of: UInt32(64), toByteOffset: 4, as: UInt32.self)
            bytes.storeBytes(of: id, toByteOffset: 8, as: UInt64.self)
            bytes.storeBytes(of: UInt64(1 << 1), toByteOffset: 40, as: UInt64.self)
        }
        for thread in Self.threads().sorted() {
            // Flags: PERF_FLAG_FD_CLOEXEC.
            let descriptor = attribute.withUnsafeMutableBytes { fp_perf_event_open($0.baseAddress, thread, -1, -1, 8) }
            if descriptor >= 0 {
                counters.append((thread, Int32(descriptor)))
            } else if errno != ESRCH {
                unavailableReason = "perf_event_open failed: \(errnoName(errno)) (needs root or CAP_PERFMON)"
                close()
                return false
            }
        }
        unavailableReason = nil
        return true
    }

    /// The threads counted.
    package var countedThreads: Set<Int32> { Set(counters.map(\.thread)) }

    /// System calls counted so far, all counters summed.
    package func count() -> UInt64 {
        var total: UInt64 = 0
        for counter in counters {
            var value: UInt64 = 0
            if read(counter.descriptor, &value, MemoryLayout<UInt64>.size) == MemoryLayout<UInt64>.size { total += value }
        }
        return total
    }

    /// Stops counting and closes the counters.
    package func close() {
        for counter in counters { Glibc.close(counter.descriptor) }
        counters.removeAll()
    }
}
