import Logging
import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

extension OwnedFD {
    /// The one ioctl funnel. Every ioctl framepipe issues goes through here:
    /// EINTR is retried, EAGAIN is reported as ``IoctlOutcome/wouldBlock``,
    /// and any other errno becomes a ``DeviceError`` naming the request and
    /// the device.
    @discardableResult
    package borrowing func ioctl<Argument>(
        _ request: IoctlRequest, _ argument: inout Argument
    ) throws(DeviceError) -> IoctlOutcome {
        let fd = rawValue
        let backend = self.backend
        let kernel = self.kernel
        while true {
            let result = withUnsafeMutablePointer(to: &argument) { pointer in
                kernel.ioctl(fd, request, UnsafeMutableRawPointer(pointer), backend: backend)
            }
            if result != -1 { return .done }
            let code = Glibc.errno
            if code == EINTR { continue }
            if code == EAGAIN { return .wouldBlock }
            deviceCallLogger.trace("device call failed", metadata: [
                "device": "\(path)", "call": "\(request.name)", "errno": "\(errnoName(code))"])
            throw DeviceError(call: request.name, errno: Errno(rawValue: code), device: path)
        }
    }

    /// Like ``ioctl(_:_:)`` but for requests that must not report EAGAIN
    /// (configuration ioctls): EAGAIN is an error there.
    package borrowing func control<Argument>(
        _ request: IoctlRequest, _ argument: inout Argument
    ) throws(DeviceError) {
        if try ioctl(request, &argument) == .wouldBlock {
            throw DeviceError(call: request.name, errno: .resourceTemporarilyUnavailable, device: path)
        }
    }

    /// The one wait for readability: polls this descriptor for `POLLIN`
    /// until it is readable (true) or `timeoutMilliseconds` pass (false),
    /// retrying EINTR with the time that is left.
    ///
    /// The corresponding call is `poll`.
    package borrowing func waitReadable(timeoutMilliseconds: Int) throws(DeviceError) -> Bool {
        var entry = pollfd(fd: rawValue, events: Int16(POLLIN), revents: 0)
        let deadline = monotonicMilliseconds() + timeoutMilliseconds
        while true {
            let remaining = max(0, deadline - monotonicMilliseconds())
            let result = kernel.poll(&entry, 1, Int32(clamping: remaining))
            if result > 0 { return true }
            if result == 0 { return false }
            if errno == EINTR { continue }
            throw DeviceError(call: "poll", errno: Errno(rawValue: errno), device: path)
        }
    }

    /// Polls without waiting and returns the conditions the descriptor
    /// reports (`POLLIN`, `POLLERR`, `POLLHUP`, ...), 0 for none.
    ///
    /// The corresponding call is `poll` with a zero timeout.
    package borrowing func pollNow(events: Int16 = Int16(POLLIN)) -> Int32 {
        var entry = pollfd(fd: rawValue, events: events, revents: 0)
        return kernel.poll(&entry, 1, 0) > 0 ? Int32(entry.revents) : 0
    }
}

/// Runs a C library call that reports failure as a negative return and sets
/// errno (libdrm's convention), retrying EINTR, and turns failure into a
/// ``DeviceError`` naming `call` and `device`.
@discardableResult
package func checkedCall(
    _ call: String, device: String, _ body: () -> Int32
) throws(DeviceError) -> Int32 {
    while true {
        let result = body()
        if result >= 0 { return result }
        // libdrm sometimes returns -errno and sometimes -1 with errno set.
        let code = result == -1 ? Glibc.errno : -result
        if code == EINTR { continue }
        deviceCallLogger.trace("device call failed", metadata: ["device": "\(device)", "call": "\(call)", "errno": "\(errnoName(code))"])
        throw DeviceError(call: call, errno: Errno(rawValue: code), device: device)
    }
}

/// Every failed device call, at trace level (`framepipe --log-level
/// trace`): many are expected (probing, TEST_ONLY commits), so they are
/// not warnings.
let deviceCallLogger = Logger(label: "framepipe.device")
