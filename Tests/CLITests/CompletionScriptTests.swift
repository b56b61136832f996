import Foundation
import TestSupport
import XCTest

/// The shell completion scripts swift-argument-parser generates
/// (`framepipe --generate-completion-script SHELL`), and the help dump the
/// man page is made from. The bash script is run in bash, as bash runs it
/// when TAB is pressed.
final class CompletionScriptTests: XCTestCase {
    private static let subcommands = ["list", "plan", "preview", "bench"]

    private func script(_ shell: String) throws -> String {
        let result = try runFramepipe(["--generate-completion-script", shell])
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.stdout
    }

    /// Sources the bash script, completes the last of `words` (the command
    /// line so far, "" for a new word) in `directory`, and returns COMPREPLY.
    private func bashCompletions(_ words: [String], in directory: String = "/") throws -> [String] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("fp-completion-\(getpid()).bash")
        try Data(try script("bash").utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        // The function `complete` registers, called as bash calls it:
        // command name, current word, previous word.
        let driver = #"""
            cd "$1" || exit 3
            source "$2" || exit 4
            shift 2
            COMP_WORDS=("$@")
            COMP_CWORD=$(( $# - 1 ))
            COMP_LINE="$*"
            COMP_POINT=${#COMP_LINE}
            function=$(complete -p framepipe | sed -E 's/.* -F ([^ ]+) .*/\1/')
            [[ -n $function ]] || exit 5
            COMPREPLY=()
            "$function" framepipe "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
            printf '%s\n' "${COMPREPLY[@]}"
            """#
        let result = try spawnAndWait(
            "/bin/bash", arguments: ["-c", driver, "bash", directory, file.path] + words,
            environment: ProcessInfo.processInfo.environment)
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.stdout.split(separator: "\n").map(String.init)
    }

    func testBashCompletesSubcommands() throws {
        let offered = try bashCompletions(["framepipe", ""])
        for name in Self.subcommands {
            XCTAssertTrue(offered.contains(name), "\(name) offered: \(offered)")
        }
        XCTAssertEqual(try bashCompletions(["framepipe", "pre"]), ["preview"])
    }

    func testBashCompletesListOptions() throws {
        let offered = try bashCompletions(["framepipe", "list", "--"])
        for option in ["--brief", "--json", "--device", "--card"] {
            XCTAssertTrue(offered.contains(option), "\(option) offered: \(offered)")
        }
    }

    func testBashCompletesConfigWithJSONFilesAndFolders() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fp-completion-dir-\(getpid())")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("configs"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("{}".utf8).write(to: directory.appendingPathComponent("kiosk.json"))
        try Data("".utf8).write(to: directory.appendingPathComponent("notes.txt"))
        for command in ["preview", "bench", "plan"] {
            let offered = try bashCompletions(["framepipe", command, "--config", ""], in: directory.path)
            XCTAssertEqual(Set(offered), ["kiosk.json", "configs"], "\(command) --config")
        }
    }

    func testZshAndFishScriptsNameTheSubcommands() throws {
        for shell in ["zsh", "fish"] {
            let text = try script(shell)
            for name in Self.subcommands {
                XCTAssertTrue(text.contains(name), "\(shell) script names \(name)")
            }
            XCTAssertTrue(text.contains("brief"), "\(shell) script offers list --brief")
        }
    }

    /// What the GenerateManual plugin reads to write the man page.
    func testHelpDumpForTheManPageHasEverySubcommand() throws {
        let result = try runFramepipe(["--experimental-dump-help"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let command = try XCTUnwrap(object["command"] as? [String: Any])
        let names = (command["subcommands"] as? [[String: Any]] ?? []).compactMap { $0["commandName"] as? String }
        for name in Self.subcommands {
            XCTAssertTrue(names.contains(name), "\(name) in \(names)")
        }
    }
}
