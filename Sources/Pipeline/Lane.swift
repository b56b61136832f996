import V4L2

/// One source's part of the scheduler: its camera, its pool and mailbox,
/// its counters, and what the display holds of it (the buffer committed,
/// the one on screen). The scheduler owns the lanes; a lane does no I/O
/// but asking its camera to dequeue and queue.
package struct Lane {
    /// Where a source is in its life.
    package enum State: Sendable, Equatable {
        /// Streaming.
        case active
        /// Its camera went away and the run waits for it (reconnect): its
        /// last frame stays on its plane, nothing is dequeued or queued.
        case away
        /// Lost; its plane goes off in the next commit.
        case losing
        /// Lost; the commit turning its plane off is in flight.
        case clearing
        /// Lost, and nothing of it is on screen any more.
        case cleared
    }

    /// The camera (replaced when a camera comes back).
    private(set) var camera: any CameraQueue
    /// The buffers of the current camera.
    package internal(set) var pool: BufferPool
    /// The counters, carried across a camera's return.
    package internal(set) var statistics = PipelineStatistics()
    package internal(set) var state = State.active
    /// The buffer named in the commit in flight, if this lane is in it.
    package internal(set) var committed: BufferIndex?
    /// The buffer the display scans out for this lane.
    package internal(set) var onScreen: BufferIndex?
    /// Which camera this is: 0, then one more at each return.
    package internal(set) var generation = 0
    /// The last frame of the camera before this one is still on the
    /// plane (it is in no pool): true until a flip replaces it.
    package internal(set) var showsPreviousCamera = false
    /// When the last flip carrying this lane's frame completed.
    var lastFlipNanoseconds: Int64?
    var sequences = SequenceTracker()
    var lock: VblankLock
    /// This lane's lead for gathered commits (several lanes).
    var gatherLead: CommitLeadLearner
    /// Buffers a completed flip released, until they go back to the camera
    /// (storage reserved once: nothing is allocated per frame).
    var released: [BufferIndex]

    init(camera: any CameraQueue, bufferCount: Int, refreshPeriodNanoseconds: Int64) {
        self.camera = camera
        pool = BufferPool(bufferCount: bufferCount)
        lock = VblankLock(periodNanoseconds: refreshPeriodNanoseconds)
        gatherLead = CommitLeadLearner(periodNanoseconds: refreshPeriodNanoseconds)
        released = []
        released.reserveCapacity(bufferCount)
    }

    /// Whether the lane streams and takes part in commits.
    var isActive: Bool { state == .active }

    /// The camera's next frame, if one is ready (one `VIDIOC_DQBUF`).
    func dequeue() throws -> CapturedFrame? {
        try camera.dequeue()
    }

    /// The camera came back (or a new one took its place): a fresh pool
    /// over `bufferCount` buffers, all queued in `camera`. The counters go
    /// on; what the display shows of the old camera stays until replaced.
    mutating func replaceCamera(with camera: any CameraQueue, bufferCount: Int) {
        self.camera = camera
        pool = BufferPool(bufferCount: bufferCount)
        showsPreviousCamera = showsPreviousCamera || onScreen != nil || committed != nil
        committed = nil
        onScreen = nil
        released.removeAll(keepingCapacity: true)
        sequences = SequenceTracker()
        generation += 1
        state = .active
    }
}
