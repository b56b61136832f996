import Dispatch
import Platform
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The pipeline's descriptors watched by a waiter thread of its own, like a
/// streaming thread (GStreamer's v4l2src, libcamera's pipeline handlers):
/// it sleeps in `epoll_wait` on one ``ReadinessSet`` holding every camera,
/// the card (while wanted) and an eventfd, and enters the pipeline's queue
/// with `queue.sync`, which runs the handler on this very thread when the
/// queue is idle: no hop to a worker. A Dispatch read source costs each
/// event a wake-up of libdispatch's manager thread, a futex to wake a
/// worker and the re-arming (about 11 system calls and one context switch
/// a frame, measured); here a frame costs the `epoll_wait` that returns it.
///
/// The timers (the gathered commit, the watchdog's tick, the duration) stay
/// Dispatch timer sources on the queue (``DispatchTimers``); signals stay
/// the program's. State stays on the queue: the thread only hands events
/// over.
///
/// The card is registered one-shot: the pipeline wants its readiness only
/// while a frame waits for the flip in flight (otherwise the next camera
/// frame reads the flip's event), so it is re-armed only then. A camera's
/// registration is level-triggered, as a read source's is.
///
/// ``stop(then:)`` signals the eventfd: the thread wakes, leaves without
/// entering the queue again, and calls `done` on its way out.
package final class ThreadEventLoop: PipelineEventLoop, @unchecked Sendable {
    private static let cardToken: UInt64 = 1 << 32
    private static let wakeToken: UInt64 = 1 << 33

    private let queue: DispatchQueue
    private let kernel: any KernelInterface
    private let realtimePriority: Int32?
    private let clock: @Sendable () -> Int64
    private let cancelled = DispatchGroup()
    private let timers: DispatchTimers
    /// What the thread reads; set before it starts, cleared never.
    private var set: ReadinessSet?
    private var wake: WakeUpEvent?
    private var events: PipelineEvents?
    private var cardDescriptor: Int32 = -1
    /// Queue-confined: whether the card's one-shot registration is armed.
    private var cardArmed = false
    /// The waiter thread's life, as ``stop(then:)`` and the thread see it
    /// (the eventfd is signalled only while the thread has not left, so it
    /// is still open; `done` runs once its descriptors are closed).
    private struct Exit {
        var started = false
        var left = false
        var closed = false
        var done: (@Sendable () -> Void)?
    }
    private let exit = Mutex(Exit())
    /// What asking for a real-time priority gave (nil: not asked, or the
    /// thread has not asked yet).
    private let realtime = Mutex<ThreadControl.RealtimeOutcome?>(nil)
    /// The camera whose readiness the waiter thread hands over: written by
    /// the thread just before it enters the queue, read there.
    private var readableCamera = 0

    /// A loop delivering on `queue`; its epoll instance and eventfd are
    /// made on `kernel`. With `realtimePriority` the waiter thread asks for
    /// SCHED_FIFO at that priority: refused (no CAP_SYS_NICE, RLIMIT_RTPRIO
    /// too low), it says why in its summary and runs as it is.
    /// `clock` is CLOCK_MONOTONIC, as the devices' timestamps; a test on
    /// the fake kernel passes the fake display's.
    package init(
        queue: DispatchQueue, kernel: any KernelInterface, realtimePriority: Int32? = nil,
        clock: @escaping @Sendable () -> Int64 = { monotonicNanoseconds() }
    ) {
        self.queue = queue
        self.kernel = kernel
        self.realtimePriority = realtimePriority
        self.clock = clock
        timers = DispatchTimers(queue: queue, cancelled: cancelled)
    }

    package func now() -> Int64 { clock() }

    /// "thread", with the real-time priority it got or why it got none.
    package var summary: String {
        switch realtime.withLock({ $0 }) {
        case nil: return "thread"
        case .granted(let priority)?: return "thread, SCHED_FIFO \(priority)"
        case .refused(let why)?: return "thread, normal priority (\(why))"
        }
    }

    package func start(card descriptor: borrowing OwnedFD, events: PipelineEvents, tickNanoseconds: Int64, durationNanoseconds: Int64?) throws {
        let set = try ReadinessSet(name: "\(descriptor.path) (epoll)", kernel: kernel)
        let wake = try WakeUpEvent(name: "pipeline wake-up (eventfd)", kernel: kernel)
        try set.add(wake.descriptor, token: Self.wakeToken)
        try set.addOneShot(descriptor, token: Self.cardToken)
        cardDescriptor = descriptor.rawValue
        cardArmed = true
        self.set = set
        self.wake = wake
        self.events = events
        timers.start(events: events, tickNanoseconds: tickNanoseconds, durationNanoseconds: durationNanoseconds)
        try startThread()
    }

    package func watchCamera(_ index: Int, _ descriptor: borrowing OwnedFD) throws {
        try set?.add(descriptor, token: UInt64(index))
    }

    package func unwatchCamera(_ index: Int, _ descriptor: borrowing OwnedFD) {
        set?.remove(descriptor)
    }

    /// Re-arms the card's one-shot registration when its readiness is
    /// wanted and it already fired (one `epoll_ctl`); a card not wanted
    /// stays disarmed once it fired, and costs nothing.
    package func setCardWanted(_ wanted: Bool) {
        guard wanted, !cardArmed, let set else { return }
        cardArmed = (try? set.rearm(cardDescriptor, token: Self.cardToken)) != nil
    }

    package func scheduleCommit(at time: Int64) { timers.scheduleCommit(at: time) }

    /// The devices leave the set; the eventfd stays, for ``stop(then:)``
    /// to reach the thread.
    package func quiesce() {
        guard let set, let wake else { return }
        set.removeAll(except: wake.descriptor)
    }

    package func stop(then done: @escaping @Sendable () -> Void) {
        timers.stop()
        let cancelled = cancelled
        let whenTimersLetGo: @Sendable () -> Void = { cancelled.notify(queue: .global(), execute: done) }
        let runNow = exit.withLock { state -> Bool in
            guard state.started, !state.closed else { return true }
            state.done = whenTimersLetGo
            if !state.left { wake?.signal() }
            return false
        }
        if runNow { whenTimersLetGo() }
    }

    // MARK: The waiter thread

    private func startThread() throws {
        let context = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, { context in
            guard let context else { return nil }
            let loop = Unmanaged<ThreadEventLoop>.fromOpaque(context).takeRetainedValue()
            loop.run()
            return nil
        }, context)
        guard created == 0 else {
            Unmanaged<ThreadEventLoop>.fromOpaque(context).release()
            throw DeviceError(call: "pthread_create", errno: .init(rawValue: created), device: "pipeline waiter thread")
        }
        pthread_detach(thread)
        exit.withLock { $0.started = true }
    }

    /// Sleeps in `epoll_wait`, hands each event to the queue, leaves when
    /// woken by ``stop(then:)``; closes its epoll instance and eventfd
    /// before it says it is done, so that nothing of the pipeline is open
    /// once its run has ended.
    private func run() {
        setName()
        askForRealtime()
        if let set, let events { deliver(from: set, to: events) }
        exit.withLock { $0.left = true }
        set = nil
        wake = nil
        let done = exit.withLock { state -> (@Sendable () -> Void)? in
            state.closed = true
            return state.done
        }
        done?()
    }

    /// The waiting itself, until the eventfd says stop (or the wait fails).
    /// Allocates nothing per event.
    private func deliver(from set: ReadinessSet, to events: PipelineEvents) {
        // Made once: `queue.sync` with a closure costs two heap allocations
        // an event (the closure's context, and the block libdispatch copies);
        // a work item's block is made here and `sync` runs it in place.
        let camera = DispatchWorkItem { [unowned self] in events.cameraReadable(readableCamera) }
        let card = DispatchWorkItem { [unowned self] in
            cardArmed = false
            events.cardReadable()
        }
        var tokens: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
        var kinds: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0, 0, 0, 0, 0)
        let capacity = 8
        while true {
            let count = withUnsafeMutableBytes(of: &tokens) { tokenBytes in
                withUnsafeMutableBytes(of: &kinds) { kindBytes in
                    let tokenList = tokenBytes.bindMemory(to: UInt64.self), kindList = kindBytes.bindMemory(to: UInt32.self)
                    guard let tokenBase = tokenList.baseAddress, let kindBase = kindList.baseAddress else { return -1 }
                    return (try? set.wait(tokens: tokenBase, events: kindBase, capacity: capacity, timeoutMilliseconds: -1)) ?? -1
                }
            }
            guard count >= 0 else { return }
            var stop = false
            for position in 0..<count {
                let token = withUnsafeBytes(of: &tokens) { $0.load(fromByteOffset: position * 8, as: UInt64.self) }
                switch token {
                case Self.wakeToken:
                    stop = true
                case Self.cardToken:
                    queue.sync(execute: card)
                default:
                    readableCamera = Int(token)
                    queue.sync(execute: camera)
                }
            }
            if stop { return }
        }
    }

    private func setName() {
        ThreadControl.nameCurrentThread("framepipe-wait")
    }

    /// SCHED_FIFO at the priority asked for, or one line saying why not.
    private func askForRealtime() {
        guard let realtimePriority else { return }
        let outcome = ThreadControl.requestRealtime(priority: realtimePriority)
        realtime.withLock { $0 = outcome }
        if case .refused(let why) = outcome { PipelineRuntime.logger.warning("\(why): the waiter thread runs at normal priority") }
    }
}
