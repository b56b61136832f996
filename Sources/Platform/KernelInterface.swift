#if canImport(Glibc)
import Glibc
#endif

/// The seam between framepipe and the kernel: every system call and
/// libv4l2 call the library makes goes through a value of this protocol,
/// which each ``OwnedFD`` carries (libdrm's calls have their own seam one
/// layer up, the KMS module's `DRMInterface`, which each `Card` carries).
/// The product uses ``SystemKernel``; unit tests use a scripted fake kernel (swift-nio's
/// syscall abstraction layer and swift-system's mocking driver are the
/// models) that checks the exact calls and injects errors, on any machine.
///
/// The requirements mirror the C functions they stand for, with their
/// names, arguments and conventions: a failure is a negative return (or
/// nil, or `MAP_FAILED`) with `errno` set. The callers turn that into a
/// ``DeviceError`` in one place (the ioctl funnel, ``checkedCall(_:device:_:)``);
/// no requirement retries EINTR or interprets an errno itself.
///
/// Clocks are deliberately not part of the seam: they are not device calls
/// and a fake gains nothing from them.
package protocol KernelInterface: Sendable {
    // MARK: Files

    /// `stat(2)`.
    func stat(_ path: String, _ information: inout Glibc.stat) -> Int32
    /// `open(2)`; the descriptor is close-on-exec whatever `flags` say.
    func open(_ path: String, _ flags: Int32) -> Int32
    /// `close(2)`, or `v4l2_close` for a descriptor libv4l2 adopted.
    func close(_ descriptor: Int32, backend: IoctlBackend) -> Int32
    /// The names in a directory (`opendir`/`readdir`), nil when it cannot be read.
    func directoryEntries(_ path: String) -> [String]?
    /// `fcntl(F_DUPFD_CLOEXEC)`: a second descriptor for the same open file.
    func duplicate(_ descriptor: Int32) -> Int32
    /// `pipe2(2)`; `descriptors` receives the read and the write end.
    func pipe2(_ descriptors: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32
    /// `read(2)`.
    func read(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int
    /// `lseek(2)`.
    func lseek(_ descriptor: Int32, _ offset: off_t, _ whence: Int32) -> off_t
    /// `poll(2)`.
    func poll(_ descriptors: UnsafeMutablePointer<pollfd>, _ count: Int, _ timeoutMilliseconds: Int32) -> Int32
    /// `mmap(2)` of a shared mapping (or `v4l2_mmap`); `MAP_FAILED` on failure.
    func mmap(
        _ length: Int, _ protection: Int32, _ flags: Int32, _ descriptor: Int32, _ offset: off_t, backend: IoctlBackend
    ) -> UnsafeMutableRawPointer?
    /// `munmap(2)` (or `v4l2_munmap`).
    func munmap(_ address: UnsafeMutableRawPointer, _ length: Int, backend: IoctlBackend) -> Int32

    // MARK: epoll (see ReadinessSet)

    /// `epoll_create1(EPOLL_CLOEXEC)`.
    func epoll_create() -> Int32
    /// `epoll_ctl(EPOLL_CTL_ADD)`: watch `descriptor` for `events`; a wait
    /// reports it with `token`.
    func epoll_add(_ epoll: Int32, _ descriptor: Int32, _ events: UInt32, _ token: UInt64) -> Int32
    /// `epoll_ctl(EPOLL_CTL_DEL)`.
    func epoll_delete(_ epoll: Int32, _ descriptor: Int32) -> Int32
    /// `epoll_ctl(EPOLL_CTL_MOD)`: watch `descriptor` for `events` from now
    /// on (re-arms a one-shot registration).
    func epoll_modify(_ epoll: Int32, _ descriptor: Int32, _ events: UInt32, _ token: UInt64) -> Int32
    /// `eventfd(initial, EFD_CLOEXEC | EFD_NONBLOCK)`.
    func eventfd(_ initial: UInt32) -> Int32
    /// `write(2)`.
    func write(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int
    /// `epoll_wait(2)`: up to `capacity` ready descriptors, as their tokens
    /// and the events each reported.
    func epoll_wait(
        _ epoll: Int32, _ tokens: UnsafeMutablePointer<UInt64>, _ events: UnsafeMutablePointer<UInt32>, _ capacity: Int32,
        _ timeoutMilliseconds: Int32
    ) -> Int32

    // MARK: ioctl

    /// `ioctl(2)`, or `v4l2_ioctl` for a descriptor libv4l2 adopted. The
    /// request carries its name so that a fake can log it readably.
    func ioctl(_ descriptor: Int32, _ request: IoctlRequest, _ argument: UnsafeMutableRawPointer?, backend: IoctlBackend) -> Int32

    // MARK: libv4l2

    /// `v4l2_fd_open`: libv4l2 takes over `descriptor` (then
    /// ``IoctlBackend/libv4l2`` must carry its ioctls and its close).
    func v4l2_fd_open(_ descriptor: Int32, _ flags: Int32) -> Int32
}
