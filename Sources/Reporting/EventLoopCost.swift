/// System calls and context switches per shown frame.
public struct EventLoopCost: Sendable, Codable, Equatable {
    /// System calls of the whole process per shown frame (perf's
    /// `raw_syscalls:sys_enter` per thread); nil when not measured.
    public var systemCallsPerShownFrame: Double?
    /// Why system calls were not counted (needs root and tracefs).
    public var systemCallsNotMeasured: String?
    /// Threads that started while counting and were still running at
    /// the end: their system calls are missing from the count.
    public var threadsNotCounted: Int
    /// Voluntary plus involuntary context switches of the whole
    /// process (getrusage) per shown frame.
    public var contextSwitchesPerShownFrame: Double
    /// Voluntary context switches (a thread blocked) over the span.
    public var voluntaryContextSwitches: Int
    /// Involuntary context switches (a thread was preempted).
    public var involuntaryContextSwitches: Int

    /// Figures with these values; no checks.
    public init(systemCallsPerShownFrame: Double?, systemCallsNotMeasured: String?, threadsNotCounted: Int,
                contextSwitchesPerShownFrame: Double, voluntaryContextSwitches: Int, involuntaryContextSwitches: Int) {
        self.systemCallsPerShownFrame = systemCallsPerShownFrame
        self.systemCallsNotMeasured = systemCallsNotMeasured
        self.threadsNotCounted = threadsNotCounted
        self.contextSwitchesPerShownFrame = contextSwitchesPerShownFrame
        self.voluntaryContextSwitches = voluntaryContextSwitches
        self.involuntaryContextSwitches = involuntaryContextSwitches
    }
}
