/// What a run with several sources does when one fails or is unplugged
/// (JSON key `onSourceLoss`).
public enum SourceLossPolicy: String, Sendable, Codable, CaseIterable {
    /// The run ends with that source's error (the default, as for one camera).
    case stop
    /// Its plane is turned off in the next commit and the others go on;
    /// the loss is counted and reported.
    case `continue`
}
