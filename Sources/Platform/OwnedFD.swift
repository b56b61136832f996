import CKernelShim
import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// A file descriptor with exactly one owner. It is closed once, in `deinit`,
/// unless ownership is given away with ``take()``.
///
/// The descriptor remembers the path it was opened from so that every error
/// raised through it can name the device, and which library must close it and
/// carry its ioctls: a V4L2 node opened through libv4l2 has to be closed with
/// `v4l2_close` and driven with `v4l2_ioctl`, anything else with the plain
/// system calls.
public struct OwnedFD: ~Copyable, Sendable {
    /// The kernel's number for this descriptor. Valid for as long as `self` lives.
    public private(set) var rawValue: Int32
    /// The path the descriptor was opened from, used in error messages.
    public let path: String
    /// Whose ioctl and close this descriptor needs.
    public let backend: IoctlBackend

    /// Takes ownership of `rawValue`.
    public init(adopting rawValue: Int32, path: String, backend: IoctlBackend = .system) {
        self.rawValue = rawValue
        self.path = path
        self.backend = backend
    }

    /// Opens `path` read-write, non-blocking and close-on-exec.
    ///
    /// Errors name the path and the failing call (`open`), with the errno the
    /// kernel gave (ENOENT, EACCES, EBUSY, ...).
    public static func open(
        _ path: String, nonBlocking: Bool = true
    ) throws(DeviceError) -> OwnedFD {
        var options: FileDescriptor.OpenOptions = [.closeOnExec]
        if nonBlocking { options.insert(.nonBlocking) }
        do {
            let fd = try FileDescriptor.open(FilePath(path), .readWrite, options: options, retryOnInterrupt: true)
            return OwnedFD(adopting: fd.rawValue, path: path)
        } catch let errno as Errno {
            throw DeviceError(call: "open", errno: errno, device: path)
        } catch {
            throw DeviceError(call: "open", errno: .ioError, device: path)
        }
    }

    /// Gives up ownership without closing: the caller now owns the number.
    public consuming func take() -> Int32 {
        let fd = rawValue
        // `discard` is not available for a type holding a String, so mark
        // the descriptor as given away; `deinit` then closes nothing.
        rawValue = -1
        return fd
    }

    /// Hands the descriptor to a new backend (used when libv4l2 adopts a
    /// plain fd with `v4l2_fd_open`, after which libv4l2 must close it).
    public consuming func rebound(to backend: IoctlBackend) -> OwnedFD {
        let path = self.path
        return OwnedFD(adopting: take(), path: path, backend: backend)
    }

    deinit {
        if rawValue >= 0 { backend.close(rawValue) }
    }
}
