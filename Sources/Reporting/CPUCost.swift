/// Process CPU time (`getrusage(RUSAGE_SELF)`) from the first frame's
/// fate to the end of streaming, so that start-up is left out.
package struct CPUCost: Sendable, Codable, Equatable {
    /// User CPU seconds of the whole process.
    package var userSeconds: Double
    /// System (kernel) CPU seconds of the whole process.
    package var systemSeconds: Double
    /// User plus system CPU, in milliseconds, divided by the frames shown
    /// in that time; 0 when none was shown.
    package var perShownFrameMilliseconds: Double
}
