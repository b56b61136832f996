import CKernelShim
import CV4L2

#if canImport(Glibc)
import Glibc
#endif

/// The real kernel: each requirement of ``KernelInterface`` calls the C
/// function of the same name and nothing else (names are qualified with
/// their module, because an unqualified call would find the method itself).
/// libdrm's calls are the KMS module's (its `SystemDRM`).
package struct SystemKernel: KernelInterface {
    /// The kernel every descriptor uses unless a test says otherwise.
    package static let shared: any KernelInterface = SystemKernel()

    package init() {}

    // MARK: Files

    package func stat(_ path: String, _ information: inout Glibc.stat) -> Int32 {
        // Swift resolves `Glibc.stat` to the struct, never to the function.
        fp_stat(path, &information)
    }

    package func open(_ path: String, _ flags: Int32) -> Int32 {
        Glibc.open(path, flags | O_CLOEXEC)
    }

    package func close(_ descriptor: Int32, backend: IoctlBackend) -> Int32 {
        switch backend {
        case .system: return Glibc.close(descriptor)
        case .libv4l2: return CV4L2.v4l2_close(descriptor)
        }
    }

    package func directoryEntries(_ path: String) -> [String]? {
        guard let directory = opendir(path) else { return nil }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            names.append(withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            })
        }
        return names
    }

    package func duplicate(_ descriptor: Int32) -> Int32 {
        Glibc.fcntl(descriptor, F_DUPFD_CLOEXEC, 0)
    }

    package func pipe2(_ descriptors: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32 {
        fp_pipe2(descriptors, flags)
    }

    package func read(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
        Glibc.read(descriptor, buffer, count)
    }

    package func lseek(_ descriptor: Int32, _ offset: off_t, _ whence: Int32) -> off_t {
        Glibc.lseek(descriptor, offset, whence)
    }

    package func poll(_ descriptors: UnsafeMutablePointer<pollfd>, _ count: Int, _ timeoutMilliseconds: Int32) -> Int32 {
        Glibc.poll(descriptors, nfds_t(count), timeoutMilliseconds)
    }

    package func mmap(
        _ length: Int, _ protection: Int32, _ flags: Int32, _ descriptor: Int32, _ offset: off_t, backend: IoctlBackend
    ) -> UnsafeMutableRawPointer? {
        let address: UnsafeMutableRawPointer?
        switch backend {
        case .system: address = Glibc.mmap(nil, length, protection, flags, descriptor, offset)
        case .libv4l2: address = CV4L2.v4l2_mmap(nil, length, protection, flags, descriptor, Int64(offset))
        }
        return address == MAP_FAILED ? nil : address
    }

    package func munmap(_ address: UnsafeMutableRawPointer, _ length: Int, backend: IoctlBackend) -> Int32 {
        switch backend {
        case .system: return Glibc.munmap(address, length)
        case .libv4l2: return CV4L2.v4l2_munmap(address, length)
        }
    }

    // MARK: epoll

    package func epoll_create() -> Int32 { fp_epoll_create() }

    package func epoll_add(_ epoll: Int32, _ descriptor: Int32, _ events: UInt32, _ token: UInt64) -> Int32 {
        fp_epoll_add(epoll, descriptor, events, token)
    }

    package func epoll_delete(_ epoll: Int32, _ descriptor: Int32) -> Int32 { fp_epoll_delete(epoll, descriptor) }

    package func epoll_modify(_ epoll: Int32, _ descriptor: Int32, _ events: UInt32, _ token: UInt64) -> Int32 {
        fp_epoll_modify(epoll, descriptor, events, token)
    }

    package func eventfd(_ initial: UInt32) -> Int32 { fp_eventfd(initial) }

    package func write(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
        Glibc.write(descriptor, buffer, count)
    }

    package func epoll_wait(
        _ epoll: Int32, _ tokens: UnsafeMutablePointer<UInt64>, _ events: UnsafeMutablePointer<UInt32>, _ capacity: Int32,
        _ timeoutMilliseconds: Int32
    ) -> Int32 {
        fp_epoll_wait(epoll, tokens, events, capacity, timeoutMilliseconds)
    }

    // MARK: ioctl

    @inline(__always)
    package func ioctl(_ descriptor: Int32, _ request: IoctlRequest, _ argument: UnsafeMutableRawPointer?, backend: IoctlBackend) -> Int32 {
        switch backend {
        case .system: return fp_ioctl(descriptor, request.number, argument)
        case .libv4l2: return fp_v4l2_ioctl(descriptor, request.number, argument)
        }
    }

    // MARK: libv4l2

    package func v4l2_fd_open(_ descriptor: Int32, _ flags: Int32) -> Int32 {
        CV4L2.v4l2_fd_open(descriptor, flags)
    }
}
