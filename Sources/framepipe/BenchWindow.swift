import FramePipe
import Reporting

/// The span `bench` measures, and what it counts in it: process CPU, system
/// calls and context switches from the first frame's fate on (opening,
/// allocating and the modeset are start-up, not per frame), heap
/// allocations after the warm-up, and the frames shown meanwhile. The span
/// ends with the last frame shown, on the pipeline queue; a run that stops
/// early (a signal, an error) ends it before teardown instead. Ending it
/// later counted the waiting thread's own work as the frames': 4 heap
/// allocations (its DispatchQueue.sync calls) appeared as 0.08 per frame
/// in a 50-frame window.
///
/// Used on the pipeline queue only (``note(_:)`` from `onFrame`, ``end()``
/// from `beforeTeardown`), then read after the run.
final class BenchWindow: @unchecked Sendable {
    private let counter: AllocationCounter?
    private let warmup: Int
    /// Frames shown by all cameras together when the run is over.
    private let lastFrame: Int
    private let systemCalls = SystemCallCounter()
    private var systemCallsAtStart: UInt64 = 0
    private var systemCallsAtEnd: UInt64?
    private var threadsAtEnd: Set<Int32> = []
    /// Process CPU and context switches at the window's start (nil before
    /// the first frame's fate) and at its end.
    private var start: (cpu: (user: Double, system: Double), switches: (voluntary: Int, involuntary: Int))?
    private var finish = (cpu: (user: 0.0, system: 0.0), switches: (voluntary: 0, involuntary: 0))
    private var shown = 0
    private var shownWhileTimed = 0
    private var countedFrom: Int?
    private var ended = false
    /// The first frame shown (the modeset's), for the start-up figures.
    private(set) var firstShown: FrameRecord?

    /// A window over `frames` shown frames of each of `sources` cameras;
    /// allocations (when `counter` is preloaded) counted after `warmup`.
    init(counter: AllocationCounter?, warmup: Int, frames: Int, sources: Int) {
        self.counter = counter
        self.warmup = warmup
        lastFrame = frames * sources
        if warmup == 0, let counter {
            counter.start()
            countedFrom = 0
        }
    }

    /// A frame's fate is known.
    func note(_ record: FrameRecord) {
        if start == nil {
            systemCalls.start()
            systemCallsAtStart = systemCalls.count()
            let switches = processContextSwitches()
            start = (processCPUSeconds(), switches)
        } else if record.outcome == .shown, !ended {
            shownWhileTimed += 1
        }
        if record.isModesetFrame, firstShown == nil { firstShown = record }
        guard record.outcome == .shown else { return }
        shown += 1
        if shown == warmup, let counter {
            counter.start()
            countedFrom = shown
        }
        if shown == lastFrame { end() }
    }

    /// The span ends (at the last frame, or before teardown).
    func end() {
        guard !ended else { return }
        ended = true
        counter?.stop()
        finish = (processCPUSeconds(), processContextSwitches())
        if systemCalls.unavailableReason == nil, !systemCalls.countedThreads.isEmpty {
            systemCallsAtEnd = systemCalls.count()
            threadsAtEnd = SystemCallCounter.threads()
        }
    }

    /// What was counted, with the run's `startup` times.
    func measurements(startup: StartupTimes) -> BenchmarkReport.Measurements {
        systemCalls.close()
        let perShown = { (value: Double) in self.shownWhileTimed == 0 ? 0 : value / Double(self.shownWhileTimed) }
        let begin = start ?? finish
        let switches = (finish.switches.voluntary - begin.switches.voluntary, finish.switches.involuntary - begin.switches.involuntary)
        let eventLoop = EventLoopCost(
            systemCallsPerShownFrame: systemCallsAtEnd.map { perShown(Double($0 &- systemCallsAtStart)) },
            systemCallsNotMeasured: systemCallsAtEnd == nil ? (systemCalls.unavailableReason ?? "no frame was measured") : nil,
            threadsNotCounted: threadsAtEnd.subtracting(systemCalls.countedThreads).count,
            contextSwitchesPerShownFrame: perShown(Double(switches.0 + switches.1)),
            voluntaryContextSwitches: switches.0, involuntaryContextSwitches: switches.1)
        let framesMeasured = countedFrom.map { shown - $0 } ?? 0
        let allocationCount = counter.map { Int($0.allocations) } ?? 0
        let allocations = AllocationCount(
            measured: counter != nil && countedFrom != nil,
            perFrameSteadyState: framesMeasured > 0 && counter != nil ? Double(allocationCount) / Double(framesMeasured) : nil,
            framesMeasured: framesMeasured, allocationsMeasured: allocationCount)
        return BenchmarkReport.Measurements(
            cpu: (finish.cpu.user - begin.cpu.user, finish.cpu.system - begin.cpu.system, shownWhileTimed), allocations: allocations,
            eventLoop: eventLoop, startup: startup)
    }
}
