import CV4L2
import Platform

/// A filled buffer handed back by the driver (`VIDIOC_DQBUF`).
package struct CapturedFrame: Sendable, Equatable {
    /// Which buffer: an index into ``CaptureStream/buffers``.
    package var index: Int
    /// The driver's frame counter. A gap means the driver dropped frames.
    package var sequence: UInt32
    /// The capture time in nanoseconds, on ``clock`` (normally
    /// `CLOCK_MONOTONIC`), marking ``timestampSource``.
    package var timestampNanoseconds: Int64
    /// What the timestamp marks: start of exposure or end of frame.
    package var timestampSource: TimestampSource
    /// The clock the timestamp comes from.
    package var clock: TimestampClock
    /// True when the driver marked the data as damaged (`V4L2_BUF_FLAG_ERROR`).
    /// The buffer must still be queued again.
    package var hasError: Bool
    /// Bytes of data per memory plane (`bytesused`, including any data offset).
    package var bytesUsed: PlaneValues
    /// Where the image starts in each memory plane (`data_offset`).
    package var dataOffsets: PlaneValues
    /// The raw `v4l2_buffer.flags` word.
    package var flags: UInt32

    /// A frame with these values; the timestamp source, clock and error flag
    /// are decoded from `flags` (`v4l2_buffer.flags`).
    package init(
        index: Int, sequence: UInt32, timestampNanoseconds: Int64, flags: UInt32,
        bytesUsed: PlaneValues, dataOffsets: PlaneValues
    ) {
        self.index = index
        self.sequence = sequence
        self.timestampNanoseconds = timestampNanoseconds
        self.flags = flags
        self.timestampSource = TimestampSource(bufferFlags: flags)
        self.clock = TimestampClock(bufferFlags: flags)
        self.hasError = flags & UInt32(V4L2_BUF_FLAG_ERROR) != 0
        self.bytesUsed = bytesUsed
        self.dataOffsets = dataOffsets
    }

    /// True when the timestamp is on `CLOCK_MONOTONIC`.
    package var isMonotonic: Bool { clock == .monotonic }

    /// Converts a buffer timestamp (`struct timeval`, microseconds) to nanoseconds.
    package static func nanoseconds(from time: timeval) -> Int64 {
        Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_usec) * 1_000
    }
}
