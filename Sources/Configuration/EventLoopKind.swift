/// How frame readiness reaches the pipeline's queue (JSON key `eventLoop`;
/// flag `--event-loop`). The state lives on the queue either way; timers,
/// the watchdog and signals stay Dispatch sources.
public enum EventLoopKind: String, Sendable, Codable, CaseIterable {
    /// A waiter thread sleeps in `epoll_wait` on every camera, the card and
    /// an eventfd, and enters the queue with `queue.sync` (the handler runs
    /// on that thread when the queue is idle): one wake-up a frame, as a
    /// streaming thread does. The default.
    case thread
    /// Dispatch read sources: libdispatch's manager thread wakes a worker
    /// for each event.
    case dispatch
}
