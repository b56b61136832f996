/// Heap allocations counted by ordo-one's malloc interposer, when it was
/// preloaded.
package struct AllocationCount: Sendable, Codable, Equatable {
    /// False when the malloc interposer was not preloaded.
    package var measured: Bool
    /// Heap allocations of the whole process per shown frame, counted
    /// after warm-up until the end of streaming.
    package var perFrameSteadyState: Double?
    /// Shown frames over which allocations were counted (after warm-up).
    package var framesMeasured: Int
    /// Heap allocations counted over those frames.
    package var allocationsMeasured: Int

    /// Allocation figures with these values; no checks.
    package init(measured: Bool, perFrameSteadyState: Double?, framesMeasured: Int, allocationsMeasured: Int) {
        self.measured = measured
        self.perFrameSteadyState = perFrameSteadyState
        self.framesMeasured = framesMeasured
        self.allocationsMeasured = allocationsMeasured
    }
}
