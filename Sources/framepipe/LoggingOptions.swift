import ArgumentParser
import FramePipe
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// `--log-level`, shared by every command. Logs go to stderr (never into
/// `--json` output on stdout): `trace` adds each device call that failed
/// and each pipeline candidate tried, `debug` the setup decisions (devices
/// opened, format, plan, rate, mode); the default shows warnings and errors.
struct LoggingOptions: ParsableArguments {
    /// The environment variable read when `--log-level` is not given.
    static let environmentVariable = "FRAMEPIPE_LOG_LEVEL"

    @Option(help: ArgumentHelp(
        "What to log on stderr: trace, debug, info, notice, warning (default), error or critical; also FRAMEPIPE_LOG_LEVEL.",
        valueName: "level"))
    var logLevel: Logger.Level?

    func validate() throws {
        if logLevel == nil, let text = Self.environmentValue, Logger.Level(rawValue: text.lowercased()) == nil {
            throw ValidationError("\(Self.environmentVariable) expects \(Self.levels), got \(text)")
        }
    }

    /// The level asked for: the flag, else the environment, else warning.
    var level: Logger.Level {
        logLevel ?? Self.environmentValue.flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .warning
    }

    /// Routes every framepipe logger to stderr at ``level`` (in the
    /// journal's form when stderr is the journal: ``Journal``). The first
    /// call wins (swift-log allows one bootstrap per process).
    func bootstrap() {
        let level = self.level
        Self.once.withLock { done in
            guard !done else { return }
            done = true
            let journal = Journal.isStandardError
            LoggingSystem.bootstrap { label in
                if journal { return JournalLogHandler(label: label, logLevel: level) }
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        }
    }

    private static let once = Mutex(false)
    private static var levels: String { Logger.Level.allCases.map(\.rawValue).joined(separator: ", ") }
    private static var environmentValue: String? {
        getenv(environmentVariable).map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
    }
}
