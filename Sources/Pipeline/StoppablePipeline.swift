/// A pipeline a front end can ask to stop from any thread (a signal
/// handler's relay): ``FramePipeline``.
package protocol StoppablePipeline: AnyObject, Sendable {
    /// Asks the run to end for `reason`; returns at once.
    func stop(_ reason: StopReason)
}
