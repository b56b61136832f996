import ArgumentParser
import FramePipe

/// How frames are scheduled, shared by `preview`, `bench` and `plan`:
/// what wakes the pipeline, at which priority, and how long several
/// cameras' frames are gathered for one commit.
struct SchedulingOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "What wakes the pipeline: thread (a waiter thread sleeps in epoll_wait on the cameras and the card and runs each frame itself: one wake-up a frame; the default) or dispatch (Dispatch read sources), overriding \"eventLoop\".",
        valueName: "thread|dispatch"))
    var eventLoop: String?

    @Flag(help: "The waiter thread asks for real-time scheduling (SCHED_FIFO): frames reach the screen on time on a busy machine. Where the process may not (no CAP_SYS_NICE, RLIMIT_RTPRIO 0), one warning says why and the run goes on; overrides \"realtime\".")
    var realtime = false

    @Option(help: ArgumentHelp(
        "Several cameras: commit the frames gathered for a vblank this many milliseconds before it, so that cameras whose frames arrive a little apart share that vblank; 0 commits each frame as it comes. By default the lead is learned per camera: it grows when a gathered commit misses its vblank and shrinks slowly while they make it.",
        valueName: "ms"))
    var commitLead: Double?

    func validate() throws {
        if let eventLoop, EventLoopKind(rawValue: eventLoop) == nil {
            throw ValidationError("--event-loop expects thread or dispatch, got \(eventLoop)")
        }
        if let commitLead, !(0...100).contains(commitLead) {
            throw ValidationError("--commit-lead expects milliseconds from 0 to 100, got \(commitLead)")
        }
    }

    /// `configuration` with these flags applied.
    func apply(to configuration: inout PipelineConfiguration) {
        if let eventLoop, let kind = EventLoopKind(rawValue: eventLoop) { configuration.eventLoop = kind }
        if realtime { configuration.realtime = true }
    }
}
