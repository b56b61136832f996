import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// A failed system or library call on a device: which call, on which device,
/// and the errno the kernel returned.
public struct DeviceError: UserFacingError, Sendable, Equatable {
    /// The ioctl or library call that failed ("VIDIOC_QUERYCAP", "open", "drmModeGetResources").
    public let call: String
    /// The errno it failed with.
    public let errno: Errno
    /// The device node (or file) it was issued on.
    public let device: String

    /// An error with these values; no checks.
    package init(call: String, errno: Errno, device: String) {
        self.call = call
        self.errno = errno
        self.device = device
    }

    /// Builds the error from a raw errno value, for modules that do not
    /// import SystemPackage.
    package init(call: String, errnoCode: Int32, device: String) {
        self.init(call: call, errno: Errno(rawValue: errnoCode), device: device)
    }

    /// The raw errno value (ENOENT, EBUSY, ...).
    public var errnoCode: Int32 { errno.rawValue }

    /// "/dev/video0: VIDIOC_QBUF failed: Invalid argument (EINVAL)".
    public var description: String {
        "\(device): \(call) failed: \(errno.description) (\(errnoName(errno.rawValue)))"
    }

    /// ENOENT: not found; EACCES/EPERM: permission; EBUSY, EOPNOTSUPP,
    /// ENOTTY: unavailable; anything else (ENODEV, EIO, ...): the device failed.
    public var category: ErrorCategory {
        switch errno.rawValue {
        case ENOENT: return .notFound
        case EACCES, EPERM: return .permissionDenied
        case EBUSY, EOPNOTSUPP, ENOTTY: return .unavailable
        default: return .deviceFailed
        }
    }
}

