/// What kind of failure an error is, so that a front end can react to it
/// without parsing messages: the `framepipe` command maps each category to
/// a documented exit status (sysexits(3) values), an embedding program may
/// retry a busy device or ask for permission.
public enum ErrorCategory: String, Sendable, CaseIterable, Codable {
    /// The request cannot be met as given: a malformed pipeline file, a
    /// mode or format the hardware does not offer, no common format.
    case invalidRequest
    /// A device or file named by the user does not exist.
    case notFound
    /// A device exists but is the wrong kind, busy, or lacks a capability.
    case unavailable
    /// A framepipe invariant broke: a bug.
    case internalError
    /// A device failed while in use (I/O error, unplugged, stalled).
    case deviceFailed
    /// The user may not open a device or take DRM master.
    case permissionDenied
    /// Anything else.
    case other
}
