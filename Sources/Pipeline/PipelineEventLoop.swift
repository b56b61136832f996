import Platform

/// The seam between a pipeline and whatever wakes it: how its events (each
/// camera readable, the card readable, the commit timer, the watchdog's
/// tick, the end of the run's duration) reach its serial queue. Whichever
/// loop delivers them, the state lives on that queue and the handlers are
/// the same (``PipelineEvents``).
///
/// Three implementations: ``ThreadEventLoop`` (the default: a waiter thread
/// of its own), ``DispatchEventLoop`` (Dispatch read sources) and
/// ``EmbeddedEventLoop`` (for tests: driven by the
/// test through a fake kernel's readiness and a manual clock, the idea of
/// swift-nio's EmbeddedEventLoop), so that whole pipelines run in unit
/// tests on any machine.
///
/// Every call but ``stop(then:)`` is made on the pipeline's queue.
package protocol PipelineEventLoop: AnyObject {
    /// CLOCK_MONOTONIC now, in nanoseconds (the test's clock for the
    /// embedded loop). The pipeline and its scheduler read time only here.
    func now() -> Int64

    /// Which loop this is, in a few words for the summary ("thread,
    /// SCHED_FIFO 10", "dispatch").
    var summary: String { get }

    /// Starts delivering `events`: the card's readiness (while wanted, see
    /// ``setCardWanted(_:)``), the watchdog's tick every
    /// `tickNanoseconds`, and once `durationNanoseconds` after now when
    /// given. Cameras are added with ``watchCamera(_:_:)``.
    func start(card: borrowing OwnedFD, events: PipelineEvents, tickNanoseconds: Int64, durationNanoseconds: Int64?) throws

    /// Wakes the pipeline when source `index`'s camera `descriptor` is
    /// readable, until ``unwatchCamera(_:_:)``.
    func watchCamera(_ index: Int, _ descriptor: borrowing OwnedFD) throws

    /// Stops waking for source `index`'s camera; call before closing its
    /// descriptor (a camera that went away, or was lost).
    func unwatchCamera(_ index: Int, _ descriptor: borrowing OwnedFD)

    /// Whether the card's readiness should wake the pipeline (only while a
    /// frame waits for the flip in flight; otherwise the next camera frame
    /// reads the flip's event).
    func setCardWanted(_ wanted: Bool)

    /// Asks for ``PipelineEvents/commitDue`` once at `time` (replacing any
    /// earlier request).
    func scheduleCommit(at time: Int64)

    /// The run is ending: no descriptor wakes the pipeline any more (a
    /// device in error would otherwise stay ready until the loop stops).
    func quiesce()

    /// Stops delivering anything; `done` runs (on any thread) once the
    /// loop holds no descriptor of the pipeline's any more. Call once.
    func stop(then done: @escaping @Sendable () -> Void)
}
