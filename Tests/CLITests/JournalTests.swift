import Foundation
import Logging
import TestSupport
import XCTest

@testable import framepipe

#if canImport(Glibc)
import Glibc
#endif

/// Under systemd (stderr is the journal, JOURNAL_STREAM names it) every
/// line framepipe writes on stderr carries its syslog priority as "<N>".
final class JournalTests: XCTestCase {
    func testTheStreamIsRecognisedByDeviceAndInodeOnly() throws {
        var ends: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&ends), 0)
        defer { close(ends[0]); close(ends[1]) }
        var info = stat()
        XCTAssertEqual(fstat(ends[1], &info), 0)
        XCTAssertTrue(Journal.isStream(ends[1], journalStream: "\(info.st_dev):\(info.st_ino)"))
        XCTAssertFalse(Journal.isStream(ends[1], journalStream: "\(info.st_dev):\(info.st_ino + 1)"), "another stream")
        XCTAssertFalse(Journal.isStream(ends[1], journalStream: "\(info.st_dev)"))
        XCTAssertFalse(Journal.isStream(ends[1], journalStream: ""))
        XCTAssertFalse(Journal.isStream(ends[1], journalStream: nil))
    }

    func testEachLevelIsWrittenAtItsSyslogPriority() {
        let expected: [(Logger.Level, Int)] = [(.trace, 7), (.debug, 7), (.info, 6), (.notice, 5), (.warning, 4), (.error, 3), (.critical, 2)]
        for (level, priority) in expected {
            XCTAssertEqual(Journal.priority(level), priority, "\(level)")
        }
        let event = LogEvent(level: .warning, message: "client cap not available", metadata: ["errno": "EINVAL", "device": "/dev/dri/card0"],
                             source: "KMS", file: #fileID, function: #function, line: #line)
        XCTAssertEqual(JournalLogHandler.line(event, label: "framepipe.kms", handlerMetadata: ["run": "1"]),
                       "<4>warning framepipe.kms: client cap not available device=/dev/dri/card0 errno=EINVAL run=1\n")
    }

    func testTheErrorLineCarriesPriorityThreeOnlyWhenStderrIsTheJournal() throws {
        let missing = "/nonexistent-\(getpid()).json"
        // The shell makes JOURNAL_STREAM name the pipe it inherited as
        // stderr, as systemd names the journal's socket.
        let journal = try spawnAndWait("/bin/sh", arguments: [
            "-c", "JOURNAL_STREAM=$(stat -L -c %d:%i /proc/self/fd/2) exec \"$0\" preview --check-config \"$1\"",
            Lab.framepipeExecutable.path, missing,
        ], environment: ProcessInfo.processInfo.environment)
        XCTAssertEqual(journal.status, 66, journal.stderr)
        XCTAssertEqual(journal.stderr, "<3>framepipe: \(missing): no such file, expected a JSON pipeline file\n")
        let terminal = try runFramepipe(["preview", "--check-config", missing], environment: ["JOURNAL_STREAM": "1:1"])
        XCTAssertEqual(terminal.stderr, "framepipe: \(missing): no such file, expected a JSON pipeline file\n", "another stream: plain lines")
    }
}
