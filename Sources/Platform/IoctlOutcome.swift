import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// What an ioctl call gave back when it did not fail.
package enum IoctlOutcome: Sendable, Equatable {
    /// The call succeeded.
    case done
    /// The call would block (EAGAIN on a non-blocking descriptor): nothing
    /// is ready yet, which is not an error.
    case wouldBlock
}
