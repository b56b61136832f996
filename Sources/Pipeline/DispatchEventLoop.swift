import Dispatch
import Platform

/// The pipeline's events from Dispatch: a read source per camera and one
/// on the card, and timer sources for the commit, the watchdog's tick and
/// the run's duration, all targeting the pipeline's queue.
///
/// The shape of the frame path, and what it costs: each time a read source
/// fires, libdispatch spends about 11 system calls (its manager thread's
/// epoll_wait and EPOLL_CTL_MOD to disarm, a futex to wake a worker, the
/// worker's eventfd write to re-arm and the manager's read, EPOLL_CTL_MOD
/// and epoll_wait, the worker's clock reads and futex to park), about as
/// much as the frame's own work. So one wake-up serves a frame: the
/// camera's source reads the flip that completed since the last frame, and
/// the card's source is resumed only while a frame waits for the flip in
/// flight (``setCardWanted(_:)``).
///
/// No source watches a device: each watches a ``ReadinessSet`` (a private
/// epoll instance) holding it, because libdispatch crashes when a
/// descriptor it watches hangs up (see ReadinessSet). The sources live for
/// the whole run; a camera that goes away leaves its set, one that comes
/// back joins it.
package final class DispatchEventLoop: PipelineEventLoop {
    private let queue: DispatchQueue
    private let kernel: any KernelInterface
    private var events: PipelineEvents?
    /// Per source: its set and read source, made at its first watch.
    private var cameras: [Int: (set: ReadinessSet, source: any DispatchSourceRead)] = [:]
    private var card: (set: ReadinessSet, source: any DispatchSourceRead)?
    private var cardResumed = false
    private let cancelled = DispatchGroup()
    private let timers: DispatchTimers

    /// A loop delivering on `queue`; its epoll instances are made on `kernel`.
    package init(queue: DispatchQueue, kernel: any KernelInterface) {
        self.queue = queue
        self.kernel = kernel
        timers = DispatchTimers(queue: queue, cancelled: cancelled)
    }

    package func now() -> Int64 { monotonicNanoseconds() }

    package var summary: String { "dispatch" }

    package func start(card descriptor: borrowing OwnedFD, events: PipelineEvents, tickNanoseconds: Int64, durationNanoseconds: Int64?) throws {
        self.events = events
        let set = try ReadinessSet(name: "\(descriptor.path) (epoll)", kernel: kernel)
        try set.add(descriptor)
        let source = readSource(on: set) { events.cardReadable() }
        card = (set, source)
        cardResumed = true
        source.resume()
        timers.start(events: events, tickNanoseconds: tickNanoseconds, durationNanoseconds: durationNanoseconds)
    }

    package func watchCamera(_ index: Int, _ descriptor: borrowing OwnedFD) throws {
        if let existing = cameras[index] {
            return try existing.set.add(descriptor)
        }
        guard let events else { return }
        let set = try ReadinessSet(name: "\(descriptor.path) (epoll)", kernel: kernel)
        try set.add(descriptor)
        let source = readSource(on: set) { events.cameraReadable(index) }
        cameras[index] = (set, source)
        source.resume()
    }

    package func unwatchCamera(_ index: Int, _ descriptor: borrowing OwnedFD) {
        cameras[index]?.set.remove(descriptor)
    }

    package func setCardWanted(_ wanted: Bool) {
        guard let card, wanted != cardResumed else { return }
        if wanted { card.source.resume() } else { card.source.suspend() }
        cardResumed = wanted
    }

    package func scheduleCommit(at time: Int64) { timers.scheduleCommit(at: time) }

    package func quiesce() {
        for camera in cameras.values { camera.set.removeAll() }
        card?.set.removeAll()
    }

    package func stop(then done: @escaping @Sendable () -> Void) {
        // A suspended source's cancellation handler would never run.
        if let card, !cardResumed { card.source.resume() }
        cardResumed = true
        for camera in cameras.values { camera.source.cancel() }
        card?.source.cancel()
        timers.stop()
        cameras.removeAll()
        card = nil
        cancelled.notify(queue: .global(), execute: done)
    }

    /// A read source on `set`'s epoll descriptor. The set lives until the
    /// source's cancellation handler ran: only then has libdispatch let go
    /// of its descriptor.
    private func readSource(on set: ReadinessSet, handler: @escaping () -> Void) -> any DispatchSourceRead {
        let source = DispatchSource.makeReadSource(fileDescriptor: set.fileDescriptor, queue: queue)
        source.setEventHandler(handler: handler)
        cancelled.enter()
        source.setCancelHandler { [cancelled] in
            set.removeAll()
            cancelled.leave()
        }
        return source
    }
}
