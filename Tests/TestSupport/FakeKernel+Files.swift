import CKernelShim
import Foundation
import Platform

#if canImport(Glibc)
import Glibc
#endif

/// The file calls of the seam: nodes, descriptors, seeking, polling and
/// mapping, each traced under its C name.
extension FakeKernel {
    package func stat(_ path: String, _ information: inout Glibc.stat) -> Int32 {
        perform("stat", failure: -1, detail: { _ in path }) { _, _ throws(FakeErrno) in
            var result = Glibc.stat()
            if let camera = cameras[path] {
                result.st_mode = S_IFCHR | 0o660
                result.st_rdev = Self.deviceNumber(major: 81, minor: camera.minor)
            } else if let card = cards[path] {
                result.st_mode = S_IFCHR | 0o660
                result.st_rdev = Self.deviceNumber(major: 226, minor: card.minor)
            } else if !nodeNames(in: path).isEmpty {
                result.st_mode = S_IFDIR | 0o755
            } else {
                throw FakeErrno(ENOENT)
            }
            information = result
            return 0
        }
    }

    package func open(_ path: String, _ flags: Int32) -> Int32 {
        perform("open", failure: -1, detail: { _ in path }) { _, _ throws(FakeErrno) in
            if deniedPaths.contains(path) { throw FakeErrno(EACCES) }
            if let camera = cameras[path] {
                if camera.isUnpluggedLocked { throw FakeErrno(ENODEV) }
                return install(FakeOpenFile(target: .camera(camera), label: path, flags: flags))
            }
            if let card = cards[path] {
                if card.isUnpluggedLocked { throw FakeErrno(ENODEV) }
                let file = FakeOpenFile(target: .card(card), label: path, flags: flags)
                card.attach(file)
                return install(file)
            }
            throw FakeErrno(ENOENT)
        }
    }

    /// The descriptor is released even when the close reports an error
    /// (an injected EIO, say), as Linux does.
    package func close(_ descriptor: Int32, backend: IoctlBackend) -> Int32 {
        let result: Int32 = perform("close", descriptor: descriptor, failure: -1, worksUnplugged: true, detail: { $0?.label ?? "\(descriptor)" }) { file, _ throws(FakeErrno) in
            if let file, file.adoptedByLibV4L2 != (backend == .libv4l2) {
                violation("close of \(file.label) with \(backend == .libv4l2 ? "v4l2_close" : "close"), but it was \(file.adoptedByLibV4L2 ? "" : "not ")adopted by v4l2_fd_open")
            }
            return 0
        }
        let code = errno
        lock.withLock { remove(descriptor) }
        errno = code
        return result
    }

    package func directoryEntries(_ path: String) -> [String]? {
        perform("opendir", failure: nil, detail: { _ in path }) { _, _ throws(FakeErrno) in
            let names = nodeNames(in: path)
            if names.isEmpty { throw FakeErrno(ENOENT) }
            return names
        }
    }

    package func duplicate(_ descriptor: Int32) -> Int32 {
        perform("fcntl(F_DUPFD_CLOEXEC)", descriptor: descriptor, failure: -1, worksUnplugged: true, detail: { $0?.label ?? "\(descriptor)" }) { file, note throws(FakeErrno) in
            guard let file else { throw FakeErrno(EBADF) }
            let copy = install(file)
            note = "\(copy)"
            return copy
        }
    }

    package func pipe2(_ descriptors: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32 {
        perform("pipe2", failure: -1) { _, _ throws(FakeErrno) in
            descriptors[0] = install(FakeOpenFile(target: .pipe, label: "pipe (read end)", flags: flags | O_RDONLY))
            descriptors[1] = install(FakeOpenFile(target: .pipe, label: "pipe (write end)", flags: flags | O_WRONLY))
            return 0
        }
    }

    /// Nothing is ever written to a fake pipe (writes are not part of the
    /// seam), and the devices have no read I/O: reads find nothing.
    package func read(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
        perform("read", descriptor: descriptor, failure: -1, detail: { $0?.label ?? "\(descriptor)" }) { file, _ throws(FakeErrno) in
            if case .pipe = file?.target { throw FakeErrno(EAGAIN) }
            if case .event(let counter)? = file?.target {
                guard counter.value > 0 else { throw FakeErrno(EAGAIN) }
                guard count >= 8 else { throw FakeErrno(EINVAL) }
                buffer.storeBytes(of: counter.value, as: UInt64.self)
                counter.value = 0
                return 8
            }
            throw FakeErrno(EINVAL)
        }
    }

    /// A dma-buf reports its size as its end offset; device nodes cannot seek.
    package func lseek(_ descriptor: Int32, _ offset: off_t, _ whence: Int32) -> off_t {
        let whenceName = whence == SEEK_SET ? "SEEK_SET" : whence == SEEK_END ? "SEEK_END" : whence == SEEK_CUR ? "SEEK_CUR" : "\(whence)"
        return perform("lseek", descriptor: descriptor, failure: -1, worksUnplugged: true, detail: { "\($0?.label ?? "\(descriptor)") \(whenceName)" }) { file, note throws(FakeErrno) in
            guard let file, let buffer = file.dmabuf else { throw FakeErrno(ESPIPE) }
            let position: Int64
            switch whence {
            case SEEK_SET: position = Int64(offset)
            case SEEK_CUR: position = file.offset + Int64(offset)
            case SEEK_END: position = Int64(buffer.size) + Int64(offset)
            default: throw FakeErrno(EINVAL)
            }
            guard position >= 0 else { throw FakeErrno(EINVAL) }
            file.offset = position
            note = "\(position)"
            return off_t(position)
        }
    }

    /// Reports what is ready now and never waits. A poll that would wait
    /// (non-zero timeout) on a card with a flip in flight lets one vblank
    /// happen first when the card's `vblankWhileWaiting` is on: time passes
    /// while a real caller waits, and the flip completes within a frame.
    /// Polls are not traced (waits are not calls a test orders).
    package func poll(_ descriptors: UnsafeMutablePointer<pollfd>, _ count: Int, _ timeoutMilliseconds: Int32) -> Int32 {
        lock.withLock {
            var ready = readiness(descriptors, count)
            if ready == 0, timeoutMilliseconds != 0 {
                var advanced = false
                for index in 0..<count {
                    if case .card(let card) = files[descriptors[index].fd]?.target, card.configuration.vblankWhileWaiting,
                       card.hasPendingFlipsLocked {
                        card.vblankLocked()
                        advanced = true
                    }
                }
                if advanced { ready = readiness(descriptors, count) }
            }
            return ready
        }
    }

    // MARK: epoll

    package func epoll_create() -> Int32 {
        perform("epoll_create1", failure: -1) { _, _ throws(FakeErrno) in
            install(FakeOpenFile(target: .epoll(FakeEpoll()), label: "epoll", flags: O_CLOEXEC))
        }
    }

    package func epoll_add(_ epoll: Int32, _ descriptor: Int32, _ events: UInt32, _ token: UInt64) -> Int32 {
        perform("epoll_ctl(EPOLL_CTL_ADD)", descriptor: epoll, failure: -1, worksUnplugged: true, detail: { _ in self.files[descriptor]?.label ?? "\(descriptor)" }) { file, _ throws(FakeErrno) in
            guard case .epoll(let set)? = file?.target else { throw FakeErrno(EINVAL) }
            guard files[descriptor] != nil else { throw FakeErrno(EBADF) }
            guard set.registrations[descriptor] == nil else { throw FakeErrno(EEXIST) }
            set.registrations[descriptor] = (events, token, false)
            return 0
        }
    }

    package func epoll_delete(_ epoll: Int32, _ descriptor: Int32) -> Int32 {
        perform("epoll_ctl(EPOLL_CTL_DEL)", descriptor: epoll, failure: -1, worksUnplugged: true, detail: { _ in self.files[descriptor]?.label ?? "\(descriptor)" }) { file, _ throws(FakeErrno) in
            guard case .epoll(let set)? = file?.target else { throw FakeErrno(EINVAL) }
            guard files[descriptor] != nil else { throw FakeErrno(EBADF) }
            guard set.registrations.removeValue(forKey: descriptor) != nil else { throw FakeErrno(ENOENT) }
            return 0
        }
    }

    package func epoll_modify(_ epoll: Int32, _ descriptor: Int32, _ events: UInt32, _ token: UInt64) -> Int32 {
        perform("epoll_ctl(EPOLL_CTL_MOD)", descriptor: epoll, failure: -1, worksUnplugged: true, detail: { _ in self.files[descriptor]?.label ?? "\(descriptor)" }) { file, _ throws(FakeErrno) in
            guard case .epoll(let set)? = file?.target else { throw FakeErrno(EINVAL) }
            guard files[descriptor] != nil else { throw FakeErrno(EBADF) }
            guard set.registrations[descriptor] != nil else { throw FakeErrno(ENOENT) }
            set.registrations[descriptor] = (events, token, false)
            return 0
        }
    }

    package func eventfd(_ initial: UInt32) -> Int32 {
        perform("eventfd", failure: -1) { _, _ throws(FakeErrno) in
            let counter = FakeEventCounter()
            counter.value = UInt64(initial)
            return install(FakeOpenFile(target: .event(counter), label: "eventfd", flags: O_CLOEXEC | O_NONBLOCK))
        }
    }

    /// Only eventfds are written to (8 bytes: added to the counter).
    package func write(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
        perform("write", descriptor: descriptor, failure: -1, worksUnplugged: true, detail: { $0?.label ?? "\(descriptor)" }) { file, _ throws(FakeErrno) in
            guard case .event(let counter)? = file?.target else { throw FakeErrno(EINVAL) }
            guard count == 8 else { throw FakeErrno(EINVAL) }
            counter.value &+= buffer.loadUnaligned(as: UInt64.self)
            return 8
        }
    }

    /// Reports what is ready now and never waits (as ``poll(_:_:_:)``, a
    /// wait with a timeout lets a pending flip's vblank happen first when
    /// the card's `vblankWhileWaiting` is on). Not traced.
    package func epoll_wait(
        _ epoll: Int32, _ tokens: UnsafeMutablePointer<UInt64>, _ events: UnsafeMutablePointer<UInt32>, _ capacity: Int32,
        _ timeoutMilliseconds: Int32
    ) -> Int32 {
        lock.lock()
        defer { lock.unlock() }
        let deadline = timeoutMilliseconds > 0 ? Date(timeIntervalSinceNow: Double(timeoutMilliseconds) / 1000) : nil
        while true {
            guard case .epoll(let set)? = files[epoll]?.target else {
                errno = EBADF
                return -1
            }
            var ready = epollReady(set)
            if ready.isEmpty, timeoutMilliseconds != 0 {
                for descriptor in set.registrations.keys {
                    if case .card(let card) = files[descriptor]?.target, card.configuration.vblankWhileWaiting, card.hasPendingFlipsLocked {
                        card.vblankLocked()
                    }
                }
                ready = epollReady(set)
            }
            if !ready.isEmpty || timeoutMilliseconds == 0 {
                let count = min(ready.count, Int(capacity))
                for index in 0..<count {
                    tokens[index] = ready[index].token
                    events[index] = ready[index].events
                    // A one-shot registration reports once until re-armed.
                    if let descriptor = ready[index].descriptor, let registration = set.registrations[descriptor],
                       registration.events & fp_EPOLLONESHOT != 0 {
                        set.registrations[descriptor]?.disabled = true
                    }
                }
                return Int32(count)
            }
            // Nothing ready: wait for the state to change (every call and
            // every move of the fake hardware broadcasts), as long as asked.
            epollSleeps += 1
            lock.broadcast()
            if let deadline {
                if !lock.wait(until: deadline) { return 0 }
            } else {
                lock.wait()
            }
        }
    }

    /// The registrations of `set` that are ready, in descriptor order (the
    /// lock is held); one-shot ones that reported wait for EPOLL_CTL_MOD.
    func epollReady(_ set: FakeEpoll) -> [(token: UInt64, events: UInt32, descriptor: Int32?)] {
        set.registrations.keys.sorted().compactMap { descriptor in
            guard let registration = set.registrations[descriptor], !registration.disabled else { return nil }
            var entry = pollfd(fd: descriptor, events: Int16(truncatingIfNeeded: registration.events), revents: 0)
            _ = readiness(&entry, 1)
            return entry.revents == 0 ? nil : (registration.token, UInt32(UInt16(bitPattern: entry.revents)), descriptor)
        }
    }

    private func readiness(_ descriptors: UnsafeMutablePointer<pollfd>, _ count: Int) -> Int32 {
        var ready: Int32 = 0
        for index in 0..<count {
            let entry = descriptors[index]
            var events: Int32
            if let file = files[entry.fd] {
                switch file.target {
                case .camera(let camera): events = camera.pollEvents()
                case .card(let card): events = card.pollEvents(file)
                case .dmabuf: events = Int32(POLLIN | POLLOUT)
                case .pipe: events = 0
                case .epoll(let epoll): events = epollReady(epoll).isEmpty ? 0 : Int32(POLLIN)
                case .event(let counter): events = counter.value > 0 ? Int32(POLLIN) : 0
                }
            } else {
                events = Int32(POLLNVAL)
            }
            let always = Int32(POLLERR | POLLHUP | POLLNVAL)
            let reported = events & (Int32(entry.events) | always)
            descriptors[index].revents = Int16(truncatingIfNeeded: reported)
            if reported != 0 { ready += 1 }
        }
        return ready
    }

    /// Maps a dumb buffer (the offset MAP_DUMB gave) or a dma-buf (the copy
    /// path reads camera buffers through their exports) to real, zeroed
    /// memory; every mapping of one buffer shows the same bytes. Nothing
    /// else can be mapped, and zero-copy runs map nothing (their traces
    /// show no mmap).
    package func mmap(
        _ length: Int, _ protection: Int32, _ flags: Int32, _ descriptor: Int32, _ offset: off_t, backend: IoctlBackend
    ) -> UnsafeMutableRawPointer? {
        perform("mmap", descriptor: descriptor, failure: nil, detail: { "\($0?.label ?? "\(descriptor)") \(length)" }) { file, _ throws(FakeErrno) in
            guard let file else { throw FakeErrno(EBADF) }
            if backend != .system { violation("mmap of \(file.label) through libv4l2") }
            let object: AnyObject, size: Int, label: String, memory: UnsafeMutableRawPointer?
            if let buffer = file.dmabuf {
                guard offset == 0 else { throw FakeErrno(EINVAL) }
                (object, size, label, memory) = (buffer, buffer.size, buffer.label, buffer.mappedMemory())
            } else {
                guard let client = file.client, let dumb = client.mapOffsets[UInt64(bitPattern: Int64(offset))] else {
                    throw FakeErrno(EINVAL)
                }
                (object, size, label, memory) = (dumb, dumb.size, dumb.label, dumb.mappedMemory())
            }
            guard length > 0, length <= size, let memory else { throw FakeErrno(EINVAL) }
            let key = UInt(bitPattern: memory)
            mappings[key] = (object, label, (mappings[key]?.count ?? 0) + 1)
            return memory
        }
    }

    package func munmap(_ address: UnsafeMutableRawPointer, _ length: Int, backend: IoctlBackend) -> Int32 {
        perform("munmap", failure: -1, detail: { _ in "\(length)" }) { _, _ throws(FakeErrno) in
            let key = UInt(bitPattern: address)
            guard let mapping = mappings[key] else {
                violation("munmap of \(address), which the fake never mapped")
                throw FakeErrno(EINVAL)
            }
            mappings[key] = mapping.count > 1 ? (mapping.object, mapping.label, mapping.count - 1) : nil
            return 0
        }
    }

    // MARK: Helpers (the lock is held)

    /// The registered node names directly inside `directory`.
    func nodeNames(in directory: String) -> [String] {
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        let paths = Array(cameras.keys) + Array(cards.keys)
        return paths.filter { $0.hasPrefix(prefix) }
            .map { String($0.dropFirst(prefix.count)) }
            .filter { !$0.isEmpty && !$0.contains("/") }
            .sorted()
    }

    /// glibc's `makedev`.
    static func deviceNumber(major: UInt64, minor: UInt32) -> __dev_t {
        let minor = UInt64(minor)
        let high: UInt64 = ((major & 0x0000_0fff) << 8) | ((major & 0xffff_f000) << 32)
        let low: UInt64 = (minor & 0xff) | ((minor & 0xffff_ff00) << 12)
        return __dev_t(high | low)
    }
}
