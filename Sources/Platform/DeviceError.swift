import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// How a framepipe command ends. The values follow BSD sysexits(3) so that
/// scripts can tell a bad config from a missing device from a device fault.
/// They are listed in `framepipe --help` and in the README.
public enum ExitStatus: Int32, Sendable, CaseIterable {
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
    public var meaning: String {
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

/// An error a user can cause or meet, with a one-line message that names
/// the thing at fault and what was expected, and the exit status to end with.
public protocol UserFacingError: Error, CustomStringConvertible {
    var exitStatus: ExitStatus { get }
}

/// A failed system or library call on a device: which call, on which device,
/// and the errno the kernel returned.
public struct DeviceError: UserFacingError, Sendable, Equatable {
    /// The ioctl or library call that failed ("VIDIOC_QUERYCAP", "open", "drmModeGetResources").
    public let call: String
    /// The errno it failed with.
    public let errno: Errno
    /// The device node (or file) it was issued on.
    public let device: String

    public init(call: String, errno: Errno, device: String) {
        self.call = call
        self.errno = errno
        self.device = device
    }

    /// Builds the error from a raw errno value, for modules that do not
    /// import SystemPackage.
    public init(call: String, errnoCode: Int32, device: String) {
        self.init(call: call, errno: Errno(rawValue: errnoCode), device: device)
    }

    /// The raw errno value (ENOENT, EBUSY, ...).
    public var errnoCode: Int32 { errno.rawValue }

    public var description: String {
        "\(device): \(call) failed: \(errno.description) (\(errnoName(errno.rawValue)))"
    }

    public var exitStatus: ExitStatus {
        switch errno.rawValue {
        case ENOENT: return .noInput
        case EACCES, EPERM: return .noPermission
        case EBUSY, EOPNOTSUPP, ENOTTY: return .unavailable
        case ENODEV, ENXIO: return .ioError  // the device went away
        default: return .ioError
        }
    }
}

/// The symbolic name of an errno value ("ENOTTY"), for messages that a
/// person can search for. Unknown values print as "errno N".
public func errnoName(_ code: Int32) -> String {
    switch code {
    case EPERM: return "EPERM"
    case ENOENT: return "ENOENT"
    case EINTR: return "EINTR"
    case EIO: return "EIO"
    case ENXIO: return "ENXIO"
    case EBADF: return "EBADF"
    case EAGAIN: return "EAGAIN"
    case ENOMEM: return "ENOMEM"
    case EACCES: return "EACCES"
    case EFAULT: return "EFAULT"
    case EBUSY: return "EBUSY"
    case ENODEV: return "ENODEV"
    case EISDIR: return "EISDIR"
    case EINVAL: return "EINVAL"
    case ENOTTY: return "ENOTTY"
    case ENOSPC: return "ENOSPC"
    case ERANGE: return "ERANGE"
    case EPIPE: return "EPIPE"
    case ENOSYS: return "ENOSYS"
    case EOPNOTSUPP: return "EOPNOTSUPP"
    case ETIMEDOUT: return "ETIMEDOUT"
    case ENOLINK: return "ENOLINK"
    case ECANCELED: return "ECANCELED"
    default: return "errno \(code)"
    }
}
