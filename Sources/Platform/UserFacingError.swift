/// An error a user can cause or meet, with a one-line message that names
/// the thing at fault and what was expected, and the kind of failure it is.
public protocol UserFacingError: Error, CustomStringConvertible {
    /// What kind of failure this is (the CLI's exit status follows from it).
    var category: ErrorCategory { get }
}
