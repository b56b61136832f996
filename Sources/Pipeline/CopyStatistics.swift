/// What the copy path did, counted where it happened.
public struct CopyStatistics: Sendable, Equatable, Codable {
    /// Frames converted into a display buffer.
    public var converted = 0
    /// Camera frames the converter refused (a corrupt JPEG): counted,
    /// never shown.
    public var refused = 0
    /// Camera frames given back unconverted because a newer one was
    /// already waiting for the converter.
    public var superseded = 0
    /// Bytes read from camera buffers (`bytesused`).
    public var bytesRead = 0
    /// Bytes written into display buffers.
    public var bytesWritten = 0
    /// ``cpuTime`` in nanoseconds, counted per frame on the conversion
    /// thread (JSON key `cpuNanoseconds`).
    package var cpuNanoseconds: Int64 = 0

    /// All zero.
    package init() {}

    /// CPU time the conversions took on the conversion thread
    /// (CLOCK_THREAD_CPUTIME_ID).
    public var cpuTime: Duration { .nanoseconds(cpuNanoseconds) }

    /// Mean CPU time per converted frame; zero before any.
    public var cpuTimePerFrame: Duration { converted == 0 ? .zero : .nanoseconds(cpuNanoseconds / Int64(converted)) }

    /// Mean CPU time per converted frame in milliseconds, as summaries
    /// print it; 0 before any.
    package var millisecondsPerFrame: Double {
        converted == 0 ? 0 : Double(cpuNanoseconds) / Double(converted) / 1e6
    }
}
