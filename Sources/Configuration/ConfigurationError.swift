import Platform

/// A pipeline file that cannot be used: names the file, the key path and
/// what was expected, in one line.
public struct ConfigurationError: UserFacingError, Sendable, Equatable {
    /// The pipeline file's path as given.
    public let file: String
    /// "source.width", or empty for the file as a whole.
    public let keyPath: String
    /// What is wrong and what was expected, e.g. "expected a width in pixels
    /// from 1 to 16384, got 0".
    public let problem: String
    /// ``ErrorCategory/invalidRequest`` for bad contents; ``ErrorCategory/notFound``
    /// or ``ErrorCategory/permissionDenied`` when the file cannot be read.
    public let category: ErrorCategory

    /// An error with these values; no checks.
    public init(file: String, keyPath: String, problem: String, category: ErrorCategory = .invalidRequest) {
        self.file = file
        self.keyPath = keyPath
        self.problem = problem
        self.category = category
    }

    /// The one line printed: `"configs/x.json: source.width: expected ..."`,
    /// without the key path when it is empty.
    public var description: String {
        keyPath.isEmpty ? "\(file): \(problem)" : "\(file): \(keyPath): \(problem)"
    }
}
