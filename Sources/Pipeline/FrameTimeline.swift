/// What is known of the frame a buffer holds, from its dequeue on: the
/// camera's numbers for it and when the pipeline handled it. All times are
/// CLOCK_MONOTONIC nanoseconds.
package struct FrameTimeline: Sendable, Equatable {
    /// The camera's sequence number of the frame.
    package var sequence: UInt32
    /// The V4L2 buffer timestamp, when it is on CLOCK_MONOTONIC (comparable
    /// with the display's vblank times); nil otherwise.
    package var captureNanoseconds: Int64?
    /// What that timestamp marks ("start-of-exposure", "end-of-frame", "unknown").
    package var timestampSource: String
    /// When the pipeline dequeued the buffer.
    package var dequeueNanoseconds: Int64
    /// When the commit naming it was issued; nil until then.
    package var commitNanoseconds: Int64?

    /// A timeline as of the dequeue.
    package init(sequence: UInt32, captureNanoseconds: Int64?, timestampSource: String, dequeueNanoseconds: Int64) {
        self.sequence = sequence
        self.captureNanoseconds = captureNanoseconds
        self.timestampSource = timestampSource
        self.dequeueNanoseconds = dequeueNanoseconds
    }
}
