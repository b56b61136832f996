import CDRM
import Platform

#if canImport(Glibc)
import Glibc
#endif

/// A completed page flip: whose frame is now on screen (the tag given to
/// ``Display/show(framebuffer:tag:)``), since which vblank.
package struct FlipEvent: Sendable, Hashable, CustomStringConvertible {
    /// The CRTC's vblank counter at the flip.
    package let sequence: UInt32
    /// When the vblank happened, in nanoseconds. On a card whose
    /// capabilities report `timestampMonotonic` this is CLOCK_MONOTONIC,
    /// comparable with V4L2 buffer timestamps.
    package let timestampNanoseconds: UInt64
    /// The CRTC whose flip completed.
    package let crtc: CrtcID
    /// The tag the commit was made with: whose frame the flip put on screen.
    package let tag: UInt32

    /// An event as the kernel reported it.
    package init(sequence: UInt32, timestampNanoseconds: UInt64, crtc: CrtcID, tag: UInt32) {
        self.sequence = sequence
        self.timestampNanoseconds = timestampNanoseconds
        self.crtc = crtc
        self.tag = tag
    }

    /// The kernel's `tv_sec`/`tv_usec` pair in nanoseconds.
    package static func nanoseconds(seconds: UInt32, microseconds: UInt32) -> UInt64 {
        UInt64(seconds) * 1_000_000_000 + UInt64(microseconds) * 1_000
    }

    /// "flip of tag 2 on CRTC 37 at vblank 118, t=... ns".
    package var description: String {
        "flip of tag \(tag) on CRTC \(crtc) at vblank \(sequence), t=\(timestampNanoseconds) ns"
    }
}
