import Dispatch
import Platform

/// An event loop the test drives (after swift-nio's EmbeddedEventLoop):
/// nothing happens by itself. ``run()`` delivers what the kernel (a test's
/// fake) says is ready, one event at a time on the pipeline's queue, until
/// nothing is; ``advance(byNanoseconds:)`` moves a manual clock and fires
/// the timers that came due (the commit, the watchdog's tick, the
/// duration) in time order, running after each. With it a whole pipeline
/// (start, frames, faults, teardown) runs in a unit test on any machine,
/// deterministically.
///
/// ``run()`` and ``advance(byNanoseconds:)`` are called from the test's
/// thread, never from the pipeline's queue (they enter it with
/// `queue.sync`). The pipeline calls the rest on its queue; the state is
/// behind a lock so that both sides may touch it.
package final class EmbeddedEventLoop: PipelineEventLoop, @unchecked Sendable {
    private struct Timer {
        var due: Int64
        var interval: Int64?
        let fire: () -> Void
    }

    private let queue: DispatchQueue
    private let kernel: any KernelInterface
    private let lock = DispatchSemaphore(value: 1)
    private var clock: Int64
    private var events: PipelineEvents?
    private var cameras: [Int: ReadinessSet] = [:]
    private var card: ReadinessSet?
    private var cardWanted = true
    private var timers: [String: Timer] = [:]
    private var stopped = false
    /// How many events ``run()`` delivered in all.
    package private(set) var delivered = 0

    /// A loop for the pipeline whose queue is `queue`, over `kernel`'s
    /// descriptors, its clock starting at `start` nanoseconds.
    package init(queue: DispatchQueue, kernel: any KernelInterface, start: Int64 = 1_000_000_000) {
        self.queue = queue
        self.kernel = kernel
        clock = start
    }

    private func locked<Result>(_ body: () throws -> Result) rethrows -> Result {
        lock.wait()
        defer { lock.signal() }
        return try body()
    }

    package func now() -> Int64 { locked { clock } }

    package var summary: String { "embedded" }

    package func start(card descriptor: borrowing OwnedFD, events: PipelineEvents, tickNanoseconds: Int64, durationNanoseconds: Int64?) throws {
        let set = try ReadinessSet(name: "\(descriptor.path) (epoll)", kernel: kernel)
        try set.add(descriptor)
        locked {
            self.events = events
            card = set
            timers["tick"] = Timer(due: clock + tickNanoseconds, interval: tickNanoseconds, fire: events.tick)
            if let durationNanoseconds { timers["duration"] = Timer(due: clock + durationNanoseconds, interval: nil, fire: events.durationElapsed) }
        }
    }

    package func watchCamera(_ index: Int, _ descriptor: borrowing OwnedFD) throws {
        let set = try locked { () throws -> ReadinessSet in
            if let existing = cameras[index] { return existing }
            let made = try ReadinessSet(name: "\(descriptor.path) (epoll)", kernel: kernel)
            cameras[index] = made
            return made
        }
        try set.add(descriptor)
    }

    package func unwatchCamera(_ index: Int, _ descriptor: borrowing OwnedFD) {
        locked { cameras[index] }?.remove(descriptor)
    }

    package func setCardWanted(_ wanted: Bool) { locked { cardWanted = wanted } }

    package func scheduleCommit(at time: Int64) {
        locked {
            guard let events else { return }
            timers["commit"] = Timer(due: time, interval: nil, fire: events.commitDue)
        }
    }

    package func quiesce() {
        let sets = locked { Array(cameras.values) + (card.map { [$0] } ?? []) }
        for set in sets { set.removeAll() }
    }

    package func stop(then done: @escaping @Sendable () -> Void) {
        locked {
            stopped = true
            timers.removeAll()
        }
        done()
    }

    /// Whether the card's readiness wakes the pipeline now.
    package var isCardWanted: Bool { locked { cardWanted } }

    /// Delivers ready events until none is left (or `limit` were delivered:
    /// a descriptor that stays ready forever would otherwise never let go).
    /// Returns how many it delivered. Call from the test's thread.
    @discardableResult
    package func run(limit: Int = 10_000) -> Int {
        var count = 0
        while count < limit, let next = nextReady(), let events = locked({ events }) {
            switch next {
            case .camera(let index): queue.sync { events.cameraReadable(index) }
            case .card: queue.sync { events.cardReadable() }
            }
            count += 1
        }
        locked { delivered += count }
        return count
    }

    /// Moves the clock on by `nanoseconds`, firing each timer as the clock
    /// passes its time (then running what became ready). Returns how many
    /// timers fired.
    @discardableResult
    package func advance(byNanoseconds nanoseconds: Int64) -> Int {
        let target = locked { clock + nanoseconds }
        var fired = 0
        while let (name, timer) = locked({ timers.filter { $0.value.due <= target }.min { $0.value.due < $1.value.due } }) {
            locked {
                clock = max(clock, timer.due)
                if let interval = timer.interval {
                    timers[name]?.due = timer.due + interval
                } else {
                    timers[name] = nil
                }
            }
            queue.sync { timer.fire() }
            fired += 1
            run()
        }
        locked { clock = target }
        run()
        return fired
    }

    /// Moves the clock on to `time` (if it is later), as
    /// ``advance(byNanoseconds:)``.
    @discardableResult
    package func advance(toNanoseconds time: Int64) -> Int {
        advance(byNanoseconds: max(0, time - now()))
    }

    /// What is ready: a camera (by position) first, then the card (while
    /// wanted); nil when nothing is.
    private enum Ready {
        case camera(Int)
        case card
    }

    private func nextReady() -> Ready? {
        lock.wait()
        let stopped = self.stopped, sets = cameras, cardSet = cardWanted ? card : nil
        lock.signal()
        guard !stopped else { return nil }
        for index in sets.keys.sorted() where sets[index].map(Self.isReady) == true {
            return .camera(index)
        }
        if let cardSet, Self.isReady(cardSet) { return .card }
        return nil
    }

    private static func isReady(_ set: ReadinessSet) -> Bool {
        var token: UInt64 = 0, events: UInt32 = 0
        return ((try? set.wait(tokens: &token, events: &events, capacity: 1, timeoutMilliseconds: 0)) ?? 0) > 0
    }
}
