import Dispatch

/// How a run ends, the same for one camera (``FramePipeline``) and several
/// (``CompositePipeline``): the waiter is woken (``stop(_:)``, the queue
/// finishing the run), the dispatch sources are cancelled and their
/// handlers awaited (only then has libdispatch let go of the
/// descriptors), `beforeTeardown` runs on the queue, then the teardown,
/// then the summary; the error that ended the run wins over a teardown
/// error.
protocol PipelineRunEnd: AnyObject {
    associatedtype Summary
    var queue: DispatchQueue { get }
    var done: DispatchSemaphore { get }
    var sourcesCancelled: DispatchGroup { get }
    var failure: (any Error)? { get set }
    var stopReason: StopReason? { get set }
    func finish(_ reason: StopReason, error: (any Error)?)
    func cancelSources()
    func teardown() -> (any Error)?
    func makeSummary() -> Summary
}

extension PipelineRunEnd {
    /// See ``FramePipeline/wait(beforeTeardown:)``.
    func waitForEnd(beforeTeardown: ((Self) throws -> Void)?) throws -> Summary {
        done.wait()
        queue.sync {
            finish(stopReason ?? .requested, error: nil)
            cancelSources()
        }
        sourcesCancelled.wait()
        var teardownError: (any Error)?
        queue.sync {
            if failure == nil, let beforeTeardown {
                do { try beforeTeardown(self) } catch { failure = error; stopReason = .failed }
            }
            teardownError = teardown()
        }
        let summary = queue.sync { makeSummary() }
        if let failure { throw failure }
        if let teardownError { throw teardownError }
        return summary
    }
}
