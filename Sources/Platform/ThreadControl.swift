import CKernelShim

#if canImport(Glibc)
import Glibc
#endif

/// What a thread of its own says about itself: its name (in `top -H`,
/// `perf`, crash logs) and its scheduling class.
package enum ThreadControl {
    /// Names the calling thread (at most 15 bytes are kept).
    package static func nameCurrentThread(_ name: String) {
        _ = name.withCString { fp_set_thread_name($0) }
    }

    /// Asks SCHED_FIFO at `priority` for the calling thread: nil when
    /// granted, else why not in one line (the errno, RLIMIT_RTPRIO).
    package static func requestRealtime(priority: Int32) -> String? {
        var parameters = sched_param()
        parameters.sched_priority = priority
        let result = pthread_setschedparam(pthread_self(), SCHED_FIFO, &parameters)
        guard result != 0 else { return nil }
        let limit = fp_rtprio_limit()
        return "SCHED_FIFO priority \(priority) refused (\(errnoName(result)); RLIMIT_RTPRIO \(limit < 0 ? "unknown" : String(limit)), no CAP_SYS_NICE?)"
    }
}
