#if canImport(Glibc)
import Glibc
#endif

/// CLOCK_MONOTONIC in nanoseconds: the clock V4L2 buffer timestamps
/// (V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC) and DRM vblank events
/// (DRM_CAP_TIMESTAMP_MONOTONIC) use, so the three can be subtracted.
public func monotonicNanoseconds() -> Int64 {
    nanoseconds(on: CLOCK_MONOTONIC)
}

/// CPU time the calling thread has used so far (CLOCK_THREAD_CPUTIME_ID),
/// in nanoseconds: what one piece of work cost on the thread that did it.
package func threadCPUNanoseconds() -> Int64 {
    nanoseconds(on: CLOCK_THREAD_CPUTIME_ID)
}

private func nanoseconds(on clock: clockid_t) -> Int64 {
    var now = timespec()
    clock_gettime(clock, &now)
    return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
}

/// CLOCK_MONOTONIC in whole milliseconds, for bounded waits.
package func monotonicMilliseconds() -> Int {
    Int(monotonicNanoseconds() / 1_000_000)
}

/// CPU time this process has used so far (user, system), in seconds.
package func processCPUSeconds() -> (user: Double, system: Double) {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return (seconds(usage.ru_utime), seconds(usage.ru_stime))
}

/// Context switches of this process so far, all threads, living and
/// exited (getrusage: voluntary, involuntary).
package func processContextSwitches() -> (voluntary: Int, involuntary: Int) {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return (usage.ru_nvcsw, usage.ru_nivcsw)
}

/// Sleeps until CLOCK_MONOTONIC reaches `nanoseconds` (at once if it has).
package func sleepUntil(monotonicNanoseconds nanoseconds: Int64) {
    var until = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
    while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, nil) == EINTR {}
}

/// How long ago the kernel started this process (`execve`), in
/// nanoseconds: CLOCK_BOOTTIME now minus the start time in /proc/self/stat
/// (field 22, in clock ticks since boot, so to ±1 tick: 10 ms at 100 Hz).
/// Called first thing in `main`, it is what loading the executable and its
/// libraries cost. Nil if /proc is not readable.
package func processAgeNanoseconds() -> Int64? {
    guard let file = fopen("/proc/self/stat", "r") else { return nil }
    defer { fclose(file) }
    var buffer = [CChar](repeating: 0, count: 1024)
    guard fgets(&buffer, Int32(buffer.count), file) != nil else { return nil }
    let line = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    // The command name (field 2) is in parentheses and may hold spaces:
    // fields are counted from the last ')', which is followed by field 3.
    guard let close = line.lastIndex(of: ")") else { return nil }
    let fields = line[line.index(after: close)...].split(separator: " ")
    let ticksPerSecond = sysconf(Int32(_SC_CLK_TCK))
    guard fields.count > 19, let started = Int64(fields[19]), ticksPerSecond > 0 else { return nil }
    return nanoseconds(on: CLOCK_BOOTTIME) - started * 1_000_000_000 / Int64(ticksPerSecond)
}
