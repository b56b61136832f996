import CDRM
import Platform

#if canImport(Glibc)
import Glibc
#endif

/// What the user data of a commit says, packed into the kernel's 64 bits:
/// the caller's tag in the low half, and what the commit was for in the
/// high half, so an event can be told apart from the display's own commits
/// (writeback snapshots) without a lookup.
enum FlipPurpose: UInt32 {
    /// A frame shown with `show`.
    case show = 1
    /// A writeback snapshot.
    case snapshot = 2

    func userData(tag: UInt32) -> UInt64 {
        UInt64(rawValue) << 32 | UInt64(tag)
    }

    static func decode(_ userData: UInt64) -> (FlipPurpose?, tag: UInt32) {
        (FlipPurpose(rawValue: UInt32(truncatingIfNeeded: userData >> 32)), UInt32(truncatingIfNeeded: userData))
    }
}
