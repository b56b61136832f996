/// A completed page flip, reported by the display for the buffer it put on screen.
package struct FlipCompletion: Sendable, Equatable {
    /// The capture buffer whose framebuffer is now scanned out.
    package var bufferIndex: BufferIndex
    /// The CRTC's vblank counter at the flip.
    package var vblankSequence: UInt32
    /// When the flip happened (the vblank), CLOCK_MONOTONIC nanoseconds.
    package var timestampNanoseconds: Int64

    package init(bufferIndex: BufferIndex, vblankSequence: UInt32, timestampNanoseconds: Int64) {
        self.bufferIndex = bufferIndex
        self.vblankSequence = vblankSequence
        self.timestampNanoseconds = timestampNanoseconds
    }
}
