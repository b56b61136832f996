import Dispatch
import Platform

/// A run's timers on the pipeline's queue, whichever loop delivers its
/// descriptors: the watchdog's tick, the run's duration, and the gathered
/// commit (made at its first request: one camera never gathers, and an
/// idle timer source still costs libdispatch clock reads whenever it looks
/// at its timers). Used on the pipeline's queue.
final class DispatchTimers {
    private let queue: DispatchQueue
    private let cancelled: DispatchGroup
    private var timers: [any DispatchSourceTimer] = []
    private var commitTimer: (any DispatchSourceTimer)?
    private var commitDue: (() -> Void)?
    private var stopped = false

    /// Timers on `queue`; each enters `cancelled` until its cancellation
    /// handler ran.
    init(queue: DispatchQueue, cancelled: DispatchGroup) {
        self.queue = queue
        self.cancelled = cancelled
    }

    /// The tick every `tickNanoseconds`, the end after `durationNanoseconds`.
    func start(events: PipelineEvents, tickNanoseconds: Int64, durationNanoseconds: Int64?) {
        commitDue = events.commitDue
        let tick = timer { events.tick() }
        let interval = DispatchTimeInterval.nanoseconds(Int(tickNanoseconds))
        tick.schedule(deadline: .now() + interval, repeating: interval)
        tick.resume()
        if let durationNanoseconds {
            let end = timer { events.durationElapsed() }
            end.schedule(deadline: .now() + .nanoseconds(Int(durationNanoseconds)))
            end.resume()
        }
    }

    /// ``PipelineEventLoop/scheduleCommit(at:)``.
    func scheduleCommit(at time: Int64) {
        guard let commitDue, !stopped else { return }
        // libdispatch's uptime clock is CLOCK_MONOTONIC on Linux (tested):
        // the deadline is the time itself, no clock read (each one a
        // system call where the clock source has no vDSO, as in the lab).
        let deadline = DispatchTime(uptimeNanoseconds: UInt64(max(1, time)))
        if let commitTimer {
            return commitTimer.schedule(deadline: deadline, leeway: .microseconds(100))
        }
        let commit = timer(commitDue)
        commit.schedule(deadline: deadline, leeway: .microseconds(100))
        commit.resume()
        commitTimer = commit
    }

    /// Cancels every timer (each leaves `cancelled` once it let go).
    func stop() {
        stopped = true
        for timer in timers { timer.cancel() }
        timers.removeAll()
        commitTimer = nil
    }

    private func timer(_ handler: @escaping () -> Void) -> any DispatchSourceTimer {
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.setEventHandler(handler: handler)
        cancelled.enter()
        timer.setCancelHandler { [cancelled] in cancelled.leave() }
        timers.append(timer)
        return timer
    }
}
