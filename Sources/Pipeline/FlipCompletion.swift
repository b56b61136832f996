/// A completed page flip, as the display reports it.
package struct FlipCompletion: Sendable, Equatable {
    /// The tag the commit was issued with.
    package var tag: UInt32
    /// The CRTC's vblank counter at the flip.
    package var vblankSequence: UInt32
    /// When the flip happened (the vblank), CLOCK_MONOTONIC nanoseconds.
    package var timestampNanoseconds: Int64

    package init(tag: UInt32, vblankSequence: UInt32, timestampNanoseconds: Int64) {
        self.tag = tag
        self.vblankSequence = vblankSequence
        self.timestampNanoseconds = timestampNanoseconds
    }
}
