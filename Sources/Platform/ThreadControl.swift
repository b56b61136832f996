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

    /// What asking for real-time scheduling gave.
    package enum RealtimeOutcome: Equatable, Sendable {
        /// SCHED_FIFO at this priority.
        case granted(priority: Int32)
        /// Refused, and why in one line.
        case refused(String)
    }

    /// Asks SCHED_FIFO for the calling thread at `priority`, or at the
    /// highest priority RLIMIT_RTPRIO allows when that is lower (an
    /// unprivileged user's limit, from limits.conf or systemd's
    /// LimitRTPRIO=).
    package static func requestRealtime(priority: Int32) -> RealtimeOutcome {
        var parameters = sched_param()
        parameters.sched_priority = priority
        var result = pthread_setschedparam(pthread_self(), SCHED_FIFO, &parameters)
        guard result != 0 else { return .granted(priority: priority) }
        let limit = fp_rtprio_limit()
        if limit >= 1, limit < Int(priority) {
            parameters.sched_priority = Int32(limit)
            result = pthread_setschedparam(pthread_self(), SCHED_FIFO, &parameters)
            if result == 0 { return .granted(priority: Int32(limit)) }
        }
        let limitText = limit < 0 ? "unlimited" : String(limit)
        return .refused("SCHED_FIFO priority \(priority) refused (\(errnoName(result)); RLIMIT_RTPRIO \(limitText), no CAP_SYS_NICE)")
    }
}
