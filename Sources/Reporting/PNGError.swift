import Platform

/// Why a PNG could not be written, in one line: the file (when there is
/// one) and what failed, which is libpng's own message or the geometry it
/// was given.
package struct PNGError: UserFacingError, Sendable, Equatable {
    /// The file being written; nil when encoding into memory.
    package let path: String?
    /// What failed, e.g. libpng's "No such file or directory".
    package let reason: String
    /// ``ErrorCategory/deviceFailed`` when the file could not be written,
    /// ``ErrorCategory/internalError`` for pixels the caller described
    /// wrongly or an image libpng refused.
    package let category: ErrorCategory

    /// An error with these values; no checks.
    package init(path: String?, reason: String, category: ErrorCategory) {
        self.path = path
        self.reason = reason
        self.category = category
    }

    /// "PATH: cannot write the PNG: REASON", or "cannot encode the PNG:
    /// REASON" without a path.
    package var description: String {
        guard let path else { return "cannot encode the PNG: \(reason)" }
        return "\(path): cannot write the PNG: \(reason)"
    }
}
