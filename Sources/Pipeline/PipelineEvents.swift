/// What a pipeline does when its event loop reports something; each
/// handler runs on the pipeline's queue.
package struct PipelineEvents {
    /// Source `index`'s camera descriptor is readable (or hung up).
    package var cameraReadable: (Int) -> Void
    /// The card's descriptor is readable: flip events wait.
    package var cardReadable: () -> Void
    /// The gathered commit is due (``PipelineEventLoop/scheduleCommit(at:)``).
    package var commitDue: () -> Void
    /// The watchdog's tick.
    package var tick: () -> Void
    /// The run's duration has passed.
    package var durationElapsed: () -> Void

    package init(
        cameraReadable: @escaping (Int) -> Void, cardReadable: @escaping () -> Void, commitDue: @escaping () -> Void,
        tick: @escaping () -> Void, durationElapsed: @escaping () -> Void
    ) {
        self.cameraReadable = cameraReadable
        self.cardReadable = cardReadable
        self.commitDue = commitDue
        self.tick = tick
        self.durationElapsed = durationElapsed
    }
}
