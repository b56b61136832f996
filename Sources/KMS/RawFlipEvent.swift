import CDRM
import Platform

#if canImport(Glibc)
import Glibc
#endif

/// One event as the C handler saw it.
struct RawFlipEvent {
    var sequence: UInt32
    var seconds: UInt32
    var microseconds: UInt32
    var crtc: UInt32
    var userData: UInt64
}
