import Logging
import Platform

#if canImport(Glibc)
import Glibc
#endif

/// systemd's journal, when it is this process's stderr (a service's
/// default): systemd then sets `JOURNAL_STREAM` to the stream's
/// "device:inode", and a line that starts with "<N>" is stored at syslog
/// priority N (sd-daemon(3)). framepipe's log lines and its error line
/// carry their level that way, so that `journalctl -p warning -u framepipe`
/// shows warnings and errors only; anywhere else nothing changes.
enum Journal {
    /// Whether `descriptor` is the stream `journalStream` ("dev:ino", the
    /// variable's value) names.
    static func isStream(_ descriptor: Int32, journalStream: String?) -> Bool {
        guard let journalStream else { return false }
        let parts = journalStream.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return false }
        return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
    }

    /// Whether this process's stderr is the journal.
    static let isStandardError: Bool = isStream(STDERR_FILENO, journalStream: getenv("JOURNAL_STREAM").map { String(cString: $0) })

    /// The syslog priority of a log level: debug 7, info 6, notice 5,
    /// warning 4, error 3, critical 2 (trace is debug).
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: return 7
        case .info: return 6
        case .notice: return 5
        case .warning: return 4
        case .error: return 3
        case .critical: return 2
        }
    }
}

/// A log handler for the journal: one line per message, "<N>" first, then
/// the level, the logger's label, the message and its metadata; the
/// journal stamps the time itself.
struct JournalLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .warning
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        StandardStream.error.write(Self.line(event, label: label, handlerMetadata: metadata))
    }

    /// The line `event` is written as.
    static func line(_ event: LogEvent, label: String, handlerMetadata: Logger.Metadata) -> String {
        let all = handlerMetadata.merging(event.metadata ?? [:]) { $1 }
        let details = all.isEmpty ? "" : " " + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        return "<\(Journal.priority(event.level))>\(event.level) \(label): \(event.message)\(details)\n"
    }
}
