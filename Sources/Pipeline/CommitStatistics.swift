/// The counters of a run that belong to no single source: the commits on
/// the display's CRTC (each carrying every source with a newer frame) and
/// how they met the vblanks.
public struct CommitStatistics: Sendable, Equatable, Codable {
    /// Atomic commits issued (each may carry several planes).
    public var commits = 0
    /// Their flip events.
    public var flips = 0
    /// Planes carried by all commits together (a new frame or a plane
    /// turned off); divided by ``commits`` it says how often one commit
    /// served several sources.
    public var planeUpdates = 0
    /// Flips that landed on the same vblank as the flip before them:
    /// more than one commit per vblank. Zero in a correct run (one commit
    /// is in flight at most, so this checks the scheduler and the driver).
    public var flipsSharingVblank = 0
    /// Vblanks from the first flip to the last (by the events' sequence numbers).
    public var vblanksSpanned = 0
    /// Sources lost during the run (`onSourceLoss: continue`).
    public var sourcesLost = 0

    /// The most flips that completed on one vblank (0 before the first
    /// flip; 1 in a correct run).
    public var maximumCommitsPerVblank = 0

    /// All zero.
    package init() {}
}
