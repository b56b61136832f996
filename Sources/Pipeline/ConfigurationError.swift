import Foundation
import Platform

/// A pipeline file that cannot be used: names the file, the key path and
/// what was expected, in one line.
public struct ConfigurationError: UserFacingError, Sendable, Equatable {
    public let file: String
    /// "source.width", or empty for the file as a whole.
    public let keyPath: String
    public let problem: String
    public let category: ErrorCategory

    public init(file: String, keyPath: String, problem: String, category: ErrorCategory = .invalidRequest) {
        self.file = file
        self.keyPath = keyPath
        self.problem = problem
        self.category = category
    }

    public var description: String {
        keyPath.isEmpty ? "\(file): \(problem)" : "\(file): \(keyPath): \(problem)"
    }
}
