/// The display's vblanks as its flip events report them: the vblank clock's
/// phase (the last flip's time), whether the first (modeset) flip was seen,
/// and how commits met the vblanks (counted into ``CommitStatistics``).
struct VblankCounter {
    /// The vblank time of the last flip.
    private(set) var lastFlipNanoseconds: Int64?
    /// Whether the first flip (the modeset's) has been seen.
    var modesetFlipSeen = false
    private var first: UInt32?
    private var last: UInt32?
    private var flipsOnThisVblank = 0

    /// A flip completed: count it, and the vblanks it shares or spans.
    mutating func note(_ flip: FlipCompletion, into statistics: inout CommitStatistics) {
        let sequence = flip.vblankSequence
        statistics.flips += 1
        lastFlipNanoseconds = flip.timestampNanoseconds
        if first == nil { first = sequence }
        if sequence == last {
            statistics.flipsSharingVblank += 1
            flipsOnThisVblank += 1
        } else {
            flipsOnThisVblank = 1
        }
        statistics.maximumCommitsPerVblank = max(statistics.maximumCommitsPerVblank, flipsOnThisVblank)
        last = sequence
        if let first { statistics.vblanksSpanned = Int(sequence &- first) + 1 }
    }
}
