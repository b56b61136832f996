#if canImport(Glibc)
import Glibc
#endif
import CKernelShim

/// What a path names, judged from `stat(2)` before any device is opened, so
/// that a wrong path gets a message about the path rather than an ioctl.
public enum DeviceNodeKind: Sendable, Equatable, CustomStringConvertible {
    /// A V4L2 character device (major 81).
    case video4linux
    /// A DRM character device (major 226): a card or render node.
    case drm
    /// Some other character device (e.g. /dev/null), with its major number.
    case otherCharacterDevice(major: UInt32)
    /// A directory (`S_IFDIR`), e.g. "/dev/dri" given instead of a card.
    case directory
    /// A regular file (`S_IFREG`).
    case regularFile
    /// Anything else: a block device, a FIFO or a socket (`stat` follows
    /// symbolic links).
    case other

    /// What the path is, to follow "is" in a message: `"a DRM device"`,
    /// `"a directory"`.
    public var description: String {
        switch self {
        case .video4linux: return "a V4L2 device"
        case .drm: return "a DRM device"
        case .otherCharacterDevice(let major): return "a character device that is neither V4L2 nor DRM (major \(major))"
        case .directory: return "a directory"
        case .regularFile: return "a regular file"
        case .other: return "not a device node"
        }
    }

    /// Inspects `path`. A missing or unreadable path is a ``DeviceError`` from `stat`.
    package static func of(_ path: String) throws(DeviceError) -> DeviceNodeKind {
        try of(path, kernel: SystemKernel.shared)
    }

    /// ``of(_:kernel:)``, throwing `missing` instead when nothing exists at
    /// the path (ENOENT), so that the opener names what it expected there.
    package static func of(_ path: String, kernel: any KernelInterface, missing: @autoclosure () -> any Error) throws -> DeviceNodeKind {
        do {
            return try of(path, kernel: kernel)
        } catch {
            if error.errnoCode == ENOENT { throw missing() }
            throw error
        }
    }

    /// ``of(_:)`` asking `kernel`.
    package static func of(_ path: String, kernel: any KernelInterface) throws(DeviceError) -> DeviceNodeKind {
        var info = stat()
        if kernel.stat(path, &info) != 0 {
            throw DeviceError(call: "stat", errno: .init(rawValue: errno), device: path)
        }
        switch info.st_mode & S_IFMT {
        case S_IFCHR:
            let major = fp_major(UInt64(info.st_rdev))
            switch major {
            case 81: return .video4linux
            case 226: return .drm
            default: return .otherCharacterDevice(major: UInt32(major))
            }
        case S_IFDIR: return .directory
        case S_IFREG: return .regularFile
        default: return .other
        }
    }
}
