/// The state in which every frame is one vblank late for good, and the
/// way out of it.
///
/// With the camera and the display at the same rate, a frame that arrives
/// while the previous frame's flip is pending must wait for that flip and
/// lands a vblank later than it could have; the next frame arrives at the
/// same phase, finds that flip pending in turn, and so on for the whole
/// run, although each would have made its vblank had nothing been pending
/// (kmssink, cam and rpicam-apps all stay there). It depends only on where
/// the camera's frames happened to fall against the vblanks when the run
/// started. Dropping one frame leaves it: nothing is pending when the next
/// frame arrives, which is then committed at once, and the ones after it
/// land on time.
///
/// A wait is needless when the waiting frame was dequeued more than the
/// commit budget before the vblank of the flip it waited for. The budget
/// (dequeue → latest time before a vblank that still makes it) is learned
/// from frames committed as soon as they were dequeued that still missed
/// the first vblank after their dequeue; it starts at 1 ms.
struct VblankLock {
    /// The display's frame time.
    let periodNanoseconds: Int64
    /// Before any miss was seen: a commit needs 1 ms before the vblank.
    static let initialBudgetNanoseconds: Int64 = 1_000_000
    /// Needless waits in a row that mean the pipeline is locked late.
    static let waitsToLeave = 3
    /// Misses remembered for the budget.
    static let window = 32

    /// Dequeue → latest time before a vblank that still makes it.
    private(set) var budgetNanoseconds = initialBudgetNanoseconds
    private var missSlacks: [Int64]
    private var nextMiss = 0
    private var needlessWaits = 0

    init(periodNanoseconds: Int64) {
        self.periodNanoseconds = periodNanoseconds
        missSlacks = Array(repeating: 0, count: Self.window)
    }

    /// A frame committed as soon as it was dequeued (at `dequeue`) was
    /// shown at the vblank at `flip`. If that was not the first vblank
    /// after its dequeue, the time it had before that vblank was too
    /// little: the budget is at least that.
    mutating func noteShown(dequeue: Int64, flip: Int64) {
        guard periodNanoseconds > 0, flip > dequeue, flip - dequeue > periodNanoseconds else { return }
        missSlacks[nextMiss] = min((flip - dequeue) % periodNanoseconds, periodNanoseconds / 2)
        nextMiss = (nextMiss + 1) % Self.window
        budgetNanoseconds = max(Self.initialBudgetNanoseconds, missSlacks.max() ?? 0)
    }

    /// A frame was committed as soon as it was dequeued: no wait.
    mutating func frameDidNotWait() {
        needlessWaits = 0
    }

    /// The flip at `flip` completed while a frame dequeued at `dequeue`
    /// waited for it. True when this is the third needless wait in a row:
    /// drop that frame.
    mutating func shouldDrop(waitingSince dequeue: Int64, flip: Int64) -> Bool {
        if flip - dequeue > budgetNanoseconds {
            needlessWaits += 1
        } else {
            needlessWaits = 0
        }
        guard needlessWaits >= Self.waitsToLeave else { return false }
        needlessWaits = 0
        return true
    }
}
