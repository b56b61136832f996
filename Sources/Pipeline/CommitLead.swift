/// How long before a vblank the frames several cameras delivered for it
/// are committed together.
///
/// Gathering lets frames of different cameras that arrive a little apart
/// share one commit (the display takes one commit per vblank), but a frame
/// that arrives after the gathered commit left waits for the next vblank:
/// the lead is time in which every frame is late. It should be what the
/// commit needs to make its vblank, and no more.
public enum CommitLead: Sendable, Equatable {
    /// Learned per camera from the gathered commits that made or missed
    /// their vblank (``CommitLeadLearner``): the default.
    case learned
    /// Always this long before the vblank.
    case fixed(Duration)
    /// No gathering: each frame is committed as it comes (it then makes
    /// the next vblank, and a frame of another camera arriving just after
    /// it waits for that flip).
    case immediate

    /// The lead of the commit being gathered for `lanes`: the longest
    /// learned lead of those that stream, or the fixed one; nil: none.
    func nanoseconds(for lanes: [Lane]) -> Int64? {
        switch self {
        case .immediate: return nil
        case .fixed(let lead): return lead.inNanoseconds
        case .learned:
            var longest: Int64?
            for lane in lanes where lane.isActive { longest = max(longest ?? 0, lane.gatherLead.leadNanoseconds) }
            return longest
        }
    }
}

/// One lane's lead for gathered commits, learned from the commits that
/// carried its frames: each one that missed the vblank it was gathered for
/// lengthens the lead by 0.9 step, each one that made it shortens it by
/// 0.1 step, so the lead settles where one gathered commit in ten misses
/// (a stochastic approximation of that quantile of the commit's latency).
///
/// Why not "never miss": a lead costs every frame that arrives inside it a
/// vblank, misses cost the frames of one commit. In the lab (vkms under
/// TCG, four cameras at 25 fps on 60 Hz, 1,180 frames) the share of
/// commits that missed was 64 % at 0-1 ms before the vblank, 32 % at 1-2,
/// 14 % at 2-3, 10 % at 3-4, 5 % at 4-5 and still 1 % at 6-8 ms: a lead
/// that never misses is 8 ms, half the frame time, and one frame in two
/// arrives inside it; at one miss in ten (3-4 ms) the frames lost to the
/// lead and to misses are about the fewest. On a display whose commits
/// take well under a millisecond nothing misses and the lead shrinks to
/// its floor. The gathered commit takes the longest lead of the lanes that
/// stream, so a lane whose plane costs more (scaled, converted) makes the
/// commits leave earlier. (``VblankLock`` learns the one-camera budget
/// from frames committed at their dequeue; this learns from frames
/// committed when the gathering ended.)
struct CommitLeadLearner {
    /// Where a lane starts.
    static let initialNanoseconds: Int64 = 2_000_000
    /// Never shorter: the commit timer's own wake-up takes some.
    static let floorNanoseconds: Int64 = 500_000
    /// The step: a miss adds nine tenths of it, a made vblank takes off a tenth.
    static let stepNanoseconds: Int64 = 500_000
    /// The share of gathered commits that may miss.
    static let missesPerTen: Int64 = 1

    /// Never more than half the display's frame time.
    private let ceilingNanoseconds: Int64
    private(set) var leadNanoseconds: Int64
    /// Gathered commits carrying this lane that made or missed their vblank.
    private(set) var made = 0
    private(set) var misses = 0

    init(periodNanoseconds: Int64) {
        ceilingNanoseconds = max(Self.floorNanoseconds, periodNanoseconds / 2)
        leadNanoseconds = min(Self.initialNanoseconds, ceilingNanoseconds)
    }

    /// A gathered commit carrying this lane's frame made its vblank.
    mutating func noteMade() {
        made += 1
        leadNanoseconds = max(Self.floorNanoseconds, leadNanoseconds - Self.stepNanoseconds * Self.missesPerTen / 10)
    }

    /// A gathered commit carrying this lane's frame missed its vblank.
    mutating func noteMissed() {
        misses += 1
        leadNanoseconds = min(ceilingNanoseconds, leadNanoseconds + Self.stepNanoseconds * (10 - Self.missesPerTen) / 10)
    }

    /// A commit gathered for the vblank at `target` flipped at `flip`:
    /// each lane whose frame it carried learns whether it made that vblank
    /// (a flip more than half a frame later missed it).
    static func learn(_ lanes: inout [Lane], from changes: [SourceChange], gatheredFor target: Int64, flip: Int64, periodNanoseconds: Int64) {
        let missed = flip > target + periodNanoseconds / 2
        for change in changes where change.buffer != nil && change.generation == lanes[change.source].generation {
            if missed { lanes[change.source].gatherLead.noteMissed() } else { lanes[change.source].gatherLead.noteMade() }
        }
    }
}
