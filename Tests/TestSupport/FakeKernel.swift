import Foundation
import Platform

#if canImport(Glibc)
import Glibc
#endif

/// A scripted kernel for unit tests: it stands behind the library's two
/// seams, Platform's ``KernelInterface`` in place of ``SystemKernel`` and
/// KMS's `DRMInterface` in place of `SystemDRM` (a card opened on the fake
/// takes it for both), so that
/// `CaptureStream` and `Display` can be driven on any machine, without a
/// camera or a display, and so that their exact calls can be checked.
///
/// What a test does with it:
///
/// - registers devices: ``addCamera(at:configuration:)`` (a V4L2 capture
///   node modelled on vivid and videobuf2) and ``addCard(at:configuration:)``
///   (a DRM card modelled on vkms 6.1);
/// - passes it as the `kernel:` of `VideoDevice.open`, `Card.open`, ...;
/// - plays the hardware: ``FakeCamera/fill(count:)`` fills queued buffers,
///   ``FakeCard/vblank()`` completes pending flips, `unplug()` pulls either;
/// - injects failures with ``fail(_:errno:occurrence:)``;
/// - reads the ``trace`` (see ``FakeCall`` for its format) and the
///   ``leakReport()``.
///
/// Descriptors are numbers from 5000 up, so they can never be confused
/// with real ones, and the fake never touches a real descriptor: a call on
/// a number it did not hand out fails with EBADF and is listed in
/// ``violations``, as is any other misuse the kernel or libdrm would not
/// report (closing a libv4l2 descriptor with plain `close`, freeing a
/// libdrm object twice).
///
/// Nothing here waits: a call that would block in a real kernel reports
/// what a non-blocking descriptor would (EAGAIN, nothing ready), so tests
/// never depend on timing. All state sits behind one lock, so the fake may
/// be called from any thread, as `KernelInterface` requires.
public final class FakeKernel: KernelInterface, @unchecked Sendable {
    /// Guards everything below and the state of every device of this kernel;
    /// broadcast whenever the state changes, for a blocked `epoll_wait`.
    let lock = FakeLock()
    /// The first descriptor number handed out.
    public static let firstDescriptor: Int32 = 5000

    var files: [Int32: FakeOpenFile] = [:]
    var cameras: [String: FakeCamera] = [:]
    var cards: [String: FakeCard] = [:]
    var deniedPaths: Set<String> = []
    var calls: [FakeCall] = []
    var occurrences: [String: Int] = [:]
    /// name → occurrence → errno, for failures injected once.
    var scheduledFaults: [String: [Int: Int32]] = [:]
    /// name → errno, for failures injected for every call.
    var permanentFaults: [String: Int32] = [:]
    var recordedViolations: [String] = []
    var releases: [String] = []
    let heap = LibDRMHeap()
    /// Live mappings of dumb buffers and dma-bufs: address → (the object,
    /// kept while mapped; its label; how many times mapped).
    var mappings: [UInt: (object: AnyObject, label: String, count: Int)] = [:]
    /// How many times a thread went to sleep in `epoll_wait` with nothing
    /// ready (``settle(after:)``).
    var epollSleeps = 0

    public init() {}

    // MARK: Devices

    /// Registers a V4L2 capture node at `path` (a character device of major 81).
    @discardableResult
    public func addCamera(at path: String = "/dev/video0", configuration: FakeCamera.Configuration = .init()) -> FakeCamera {
        lock.withLock {
            let camera = FakeCamera(path: path, minor: UInt32(cameras.count), configuration: configuration, lock: lock)
            cameras[path] = camera
            return camera
        }
    }

    /// The camera at `path`, unplugged, is plugged back in as a fresh
    /// device (same node, same bus info: a USB camera replugged into the
    /// same port). Descriptors of the old one keep failing.
    @discardableResult
    public func replugCamera(at path: String = "/dev/video0") -> FakeCamera? {
        lock.withLock {
            guard let old = cameras[path] else { return nil }
            let camera = FakeCamera(path: path, minor: old.minor, configuration: old.configuration, lock: lock)
            cameras[path] = camera
            return camera
        }
    }

    /// Registers a DRM card node at `path` (a character device of major 226).
    @discardableResult
    public func addCard(at path: String = "/dev/dri/card0", configuration: FakeCard.Configuration = .init()) -> FakeCard {
        lock.withLock {
            let card = FakeCard(path: path, minor: UInt32(cards.count), configuration: configuration, lock: lock)
            cards[path] = card
            return card
        }
    }

    /// The camera registered at `path`, if any.
    public func camera(at path: String) -> FakeCamera? { lock.withLock { cameras[path] } }

    /// The card registered at `path`, if any.
    public func card(at path: String) -> FakeCard? { lock.withLock { cards[path] } }

    /// Makes `open` of `path` fail with EACCES, as a node without permission does.
    public func denyAccess(to path: String) {
        lock.withLock { _ = deniedPaths.insert(path) }
    }

    /// Creates a dma-buf that no device exported (as a dma-heap would) and
    /// returns a descriptor of it, owned by the caller.
    public func makeDmaBuf(size: Int, label: String) -> Int32 {
        lock.withLock {
            install(FakeOpenFile(target: .dmabuf(FakeDmaBuf(size: size, label: label)), label: label, flags: O_RDWR))
        }
    }

    // MARK: Faults

    /// Makes the `occurrence`-th call named `name` (counting every call of
    /// that name since the fake was made, from 1) fail with `errno`,
    /// without doing anything. Names are the C names the trace shows.
    public func fail(_ name: String, errno code: Int32, occurrence: Int = 1) {
        lock.withLock { scheduledFaults[name, default: [:]][occurrence] = code }
    }

    /// Makes every call named `name` from now on fail with `errno`.
    public func failAlways(_ name: String, errno code: Int32) {
        lock.withLock { permanentFaults[name] = code }
    }

    /// Stops failing calls named `name`.
    public func stopFailing(_ name: String) {
        lock.withLock {
            permanentFaults[name] = nil
            scheduledFaults[name] = nil
        }
    }

    // MARK: What happened

    /// Every call so far, oldest first.
    public var callLog: [FakeCall] { lock.withLock { calls } }

    /// The trace lines of every call so far (see ``FakeCall`` for the format).
    public var trace: [String] { callLog.map(\.text) }

    /// How many calls have been made: a mark to take ``trace(since:)`` from.
    public var callCount: Int { lock.withLock { calls.count } }

    /// How often a thread has gone to sleep in `epoll_wait` with nothing
    /// ready so far: take it before acting on the fake hardware, then
    /// ``settle(after:timeout:)``.
    public var epollSleepCount: Int { lock.withLock { epollSleeps } }

    /// Waits until a thread blocked in `epoll_wait` found nothing ready
    /// after `mark` (an ``epollSleepCount`` taken before the action): a
    /// waiter thread has handled everything the action made ready and sleeps
    /// again. False after `timeout` seconds (a liveness bound).
    public func settle(after mark: Int, timeout: Double = 10) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        let deadline = Date(timeIntervalSinceNow: timeout)
        while epollSleeps <= mark {
            if !lock.wait(until: deadline) { return epollSleeps > mark }
        }
        return true
    }

    /// The trace lines of the calls made after `mark` calls.
    public func trace(since mark: Int) -> [String] {
        lock.withLock { calls.dropFirst(mark).map(\.text) }
    }

    /// Misuse the real kernel or libdrm would not report (see the type's
    /// documentation). A correct caller leaves this empty.
    public var violations: [String] { lock.withLock { recordedViolations } }

    /// Resources the fake released because a descriptor was closed while
    /// still holding them (a framebuffer, a GEM handle, V4L2 buffers):
    /// correct, since the kernel does the same, but a sign that the code
    /// under test did not clean up itself.
    public var releasedAtClose: [String] { lock.withLock { releases } }

    /// The descriptors open now, in number order.
    public var openDescriptors: [Int32] { lock.withLock { files.keys.sorted() } }

    /// What each open descriptor is ("/dev/video0", "/dev/video0 buffer 1 plane 0").
    public var openDescriptorLabels: [String] {
        lock.withLock { files.sorted { $0.key < $1.key }.map(\.value.label) }
    }

    /// How many objects the fake's libdrm getters returned that were not freed yet.
    public var outstandingLibdrmAllocations: Int { lock.withLock { heap.outstanding.count } }

    /// Everything still held, across all devices: see ``FakeLeakReport``.
    public func leakReport() -> FakeLeakReport {
        lock.withLock {
            var report = FakeLeakReport()
            report.openDescriptors = files.sorted { $0.key < $1.key }.map(\.value.label)
            report.libdrmAllocations = heap.outstanding.values.sorted()
            report.mappings = mappings.values.map(\.label).sorted()
            for card in cards.values.sorted(by: { $0.path < $1.path }) {
                card.addLeaks(to: &report)
            }
            for camera in cameras.values.sorted(by: { $0.path < $1.path }) where camera.allocatedBufferCountLocked > 0 {
                report.cameraBuffers.append("\(camera.path): \(camera.allocatedBufferCountLocked) buffers")
            }
            report.releasedAtClose = releases
            report.violations = recordedViolations
            return report
        }
    }

    // MARK: The one entry point of every traced call

    /// Runs one traced call under the lock: looks up the descriptor,
    /// applies an injected failure or the unplugged state, runs `body`,
    /// records the call, and sets `errno` (after unlocking) when it failed.
    ///
    /// `detail` names the argument for the trace; it runs even when the
    /// call is made to fail, so an injected failure is as readable as a
    /// real one. `body` may set its `inout` string to the result to show.
    func perform<Result>(
        _ name: String, descriptor: Int32? = nil, failure: Result, worksUnplugged: Bool = false,
        detail: (FakeOpenFile?) -> String = { _ in "" },
        _ body: (FakeOpenFile?, inout String?) throws(FakeErrno) -> Result
    ) -> Result {
        lock.lock()
        let file = descriptor.flatMap { files[$0] }
        let occurrence = occurrences[name, default: 0] + 1
        occurrences[name] = occurrence
        let text = detail(file)
        var result = failure
        var note: String?
        var code: Int32 = 0
        var injected = false
        if let fault = scheduledFaults[name]?[occurrence] ?? permanentFaults[name] {
            code = fault
            injected = true
        } else if let descriptor, file == nil {
            code = EBADF
            recordedViolations.append("\(name) on descriptor \(descriptor), which the fake never handed out or which was closed")
        } else if !worksUnplugged, file?.isUnplugged == true {
            code = ENODEV
        } else {
            do throws(FakeErrno) {
                result = try body(file, &note)
            } catch {
                code = error.code
            }
        }
        calls.append(FakeCall(name: name, detail: text, result: note, errno: code, occurrence: occurrence, injected: injected))
        // Any call may make a descriptor ready (a QBUF, a commit, an eventfd
        // write): a thread blocked in epoll_wait looks again.
        lock.broadcast()
        lock.unlock()
        if code != 0 { Glibc.errno = code }
        return code == 0 ? result : failure
    }

    // MARK: Descriptor table (the lock is held)

    /// Gives `file` the lowest free number from ``firstDescriptor`` up, as
    /// the kernel gives the lowest free one.
    func install(_ file: FakeOpenFile) -> Int32 {
        var number = Self.firstDescriptor
        while files[number] != nil { number += 1 }
        files[number] = file
        file.descriptorCount += 1
        return number
    }

    /// Drops descriptor `number`; when it was the file's last, the device
    /// releases what the file held.
    func remove(_ number: Int32) {
        guard let file = files.removeValue(forKey: number) else { return }
        file.descriptorCount -= 1
        guard file.descriptorCount == 0 else { return }
        switch file.target {
        case .camera(let camera): releases += camera.release(file)
        case .card(let card): releases += card.release(file)
        case .dmabuf, .pipe, .epoll, .event: break
        }
        // As in Linux, an epoll instance forgets a file whose last
        // descriptor closed.
        for other in files.values { if case .epoll(let epoll) = other.target { epoll.forget(number) } }
    }

    func violation(_ text: String) {
        recordedViolations.append(text)
    }
}
