/// System calls and context switches per shown frame.
package struct EventLoopCost: Sendable, Codable, Equatable {
    /// Which event loop ran ("thread, SCHED_FIFO 10", "dispatch"), from
    /// the run's summary.
    package var loop = ""
    /// System calls of the whole process per shown frame (perf's
    /// `raw_syscalls:sys_enter` per thread); nil when not measured.
    package var systemCallsPerShownFrame: Double?
    /// Why system calls were not counted (needs root and tracefs).
    package var systemCallsNotMeasured: String?
    /// Threads that started while counting and were still running at
    /// the end: their system calls are missing from the count.
    package var threadsNotCounted: Int
    /// Voluntary plus involuntary context switches of the whole
    /// process (getrusage) per shown frame.
    package var contextSwitchesPerShownFrame: Double
    /// Voluntary context switches (a thread blocked) over the span.
    package var voluntaryContextSwitches: Int
    /// Involuntary context switches (a thread was preempted).
    package var involuntaryContextSwitches: Int

    /// Figures with these values; no checks.
    package init(systemCallsPerShownFrame: Double?, systemCallsNotMeasured: String?, threadsNotCounted: Int,
                contextSwitchesPerShownFrame: Double, voluntaryContextSwitches: Int, involuntaryContextSwitches: Int) {
        self.systemCallsPerShownFrame = systemCallsPerShownFrame
        self.systemCallsNotMeasured = systemCallsNotMeasured
        self.threadsNotCounted = threadsNotCounted
        self.contextSwitchesPerShownFrame = contextSwitchesPerShownFrame
        self.voluntaryContextSwitches = voluntaryContextSwitches
        self.involuntaryContextSwitches = involuntaryContextSwitches
    }
}
