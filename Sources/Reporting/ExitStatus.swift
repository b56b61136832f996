import Platform

/// How a framepipe command ends. The values follow BSD sysexits(3) so that
/// scripts can tell a bad config from a missing device from a device fault.
/// They are listed in `framepipe --help` and in the README. The library's
/// errors carry an ``ErrorCategory``; this is the tool's reading of it.
package enum ExitStatus: Int32, Sendable, CaseIterable {
    /// Everything worked.
    case success = 0
    /// A failure not covered by a more specific code.
    case failure = 1
    /// The command line was wrong (unknown flag, bad value).
    case usage = 64
    /// A pipeline file was malformed or asked for something impossible.
    case dataError = 65
    /// A device or file named by the user does not exist.
    case noInput = 66
    /// A device exists but is the wrong kind, busy or lacks a capability.
    case unavailable = 69
    /// A bug in framepipe (an invariant broke).
    case software = 70
    /// A device failed while in use (I/O error, unplugged).
    case ioError = 74
    /// The user lacks permission to open a device or take DRM master.
    case noPermission = 77
    /// Interrupted by SIGINT (128 + 2), after a clean teardown.
    case interrupted = 130
    /// Terminated by SIGTERM (128 + 15), after a clean teardown.
    case terminated = 143

    /// One line per code, for `--help` and the README.
    package var meaning: String {
        switch self {
        case .success: return "success"
        case .failure: return "other failure"
        case .usage: return "bad command-line usage"
        case .dataError: return "bad pipeline file or impossible request (e.g. no common format)"
        case .noInput: return "a named device or file does not exist"
        case .unavailable: return "device is the wrong kind, busy, or lacks a needed capability"
        case .software: return "internal error (a framepipe bug)"
        case .ioError: return "a device failed or was unplugged while in use"
        case .noPermission: return "permission denied (device node or DRM master)"
        case .interrupted: return "stopped by SIGINT after clean teardown"
        case .terminated: return "stopped by SIGTERM after clean teardown"
        }
    }
}


extension ExitStatus {
    /// The status a command ends with after an error of `category`.
    package init(_ category: ErrorCategory) {
        switch category {
        case .invalidRequest: self = .dataError
        case .notFound: self = .noInput
        case .unavailable: self = .unavailable
        case .internalError: self = .software
        case .deviceFailed: self = .ioError
        case .permissionDenied: self = .noPermission
        case .other: self = .failure
        }
    }
}
