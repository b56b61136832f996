/// Whether shown frames reached the screen at the first vblank after
/// their dequeue (the modeset frame left out).
package struct EarliestVblank: Sendable, Codable, Equatable {
    /// Share of shown frames that made the first vblank after their dequeue.
    package var share: Double
    /// Shown frames by vblanks missed ("1": frames one vblank late, ...).
    package var missed: [String: Int]
}
