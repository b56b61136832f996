import CKernelShim
import CV4L2
import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// An ioctl request: the number the kernel expects and the name a person
/// reads in an error ("VIDIOC_DQBUF").
public struct IoctlRequest: Sendable, Hashable, CustomStringConvertible {
    public let name: String
    public let number: UInt

    public init(_ name: String, _ number: UInt) {
        self.name = name
        self.number = number
    }

    public var description: String { name }
}

/// The library that carries a descriptor's ioctls and closes it.
public enum IoctlBackend: Sendable, Hashable {
    /// Plain `ioctl(2)` and `close(2)`.
    case system
    /// libv4l2's `v4l2_ioctl` and `v4l2_close`, for descriptors registered
    /// with `v4l2_fd_open`.
    case libv4l2

    @inline(__always)
    func call(_ fd: Int32, _ request: UInt, _ argument: UnsafeMutableRawPointer?) -> Int32 {
        switch self {
        case .system: return fp_ioctl(fd, request, argument)
        case .libv4l2: return fp_v4l2_ioctl(fd, request, argument)
        }
    }

    func close(_ fd: Int32) {
        switch self {
        case .system: _ = Glibc.close(fd)
        case .libv4l2: _ = v4l2_close(fd)
        }
    }
}

/// What an ioctl call gave back when it did not fail.
public enum IoctlOutcome: Sendable, Equatable {
    /// The call succeeded.
    case done
    /// The call would block (EAGAIN on a non-blocking descriptor): nothing
    /// is ready yet, which is not an error.
    case wouldBlock
}

extension OwnedFD {
    /// The one ioctl funnel. Every ioctl framepipe issues goes through here:
    /// EINTR is retried, EAGAIN is reported as ``IoctlOutcome/wouldBlock``,
    /// and any other errno becomes a ``DeviceError`` naming the request and
    /// the device.
    @discardableResult
    public borrowing func ioctl<Argument>(
        _ request: IoctlRequest, _ argument: inout Argument
    ) throws(DeviceError) -> IoctlOutcome {
        let fd = rawValue
        let backend = self.backend
        while true {
            let result = withUnsafeMutablePointer(to: &argument) { pointer in
                backend.call(fd, request.number, UnsafeMutableRawPointer(pointer))
            }
            if result != -1 { return .done }
            let code = Glibc.errno
            if code == EINTR { continue }
            if code == EAGAIN { return .wouldBlock }
            throw DeviceError(call: request.name, errno: Errno(rawValue: code), device: path)
        }
    }

    /// Like ``ioctl(_:_:)`` but for requests that must not report EAGAIN
    /// (configuration ioctls): EAGAIN is an error there.
    public borrowing func control<Argument>(
        _ request: IoctlRequest, _ argument: inout Argument
    ) throws(DeviceError) {
        if try ioctl(request, &argument) == .wouldBlock {
            throw DeviceError(call: request.name, errno: .resourceTemporarilyUnavailable, device: path)
        }
    }
}

/// Runs a C library call that reports failure as a negative return and sets
/// errno (libdrm's convention), retrying EINTR, and turns failure into a
/// ``DeviceError`` naming `call` and `device`.
@discardableResult
public func checkedCall(
    _ call: String, device: String, _ body: () -> Int32
) throws(DeviceError) -> Int32 {
    while true {
        let result = body()
        if result >= 0 { return result }
        // libdrm sometimes returns -errno and sometimes -1 with errno set.
        let code = result == -1 ? Glibc.errno : -result
        if code == EINTR { continue }
        throw DeviceError(call: call, errno: Errno(rawValue: code), device: device)
    }
}
