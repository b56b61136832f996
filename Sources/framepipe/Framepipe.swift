import FoundationEssentials
import ArgumentParser
import FramePipe
import Platform
import Reporting

@main
struct Framepipe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "framepipe",
        abstract: "Live camera to screen with zero CPU copies, and capture-to-glass latency measurement.",
        discussion: """
        framepipe captures from a V4L2 camera, shares each buffer with the KMS display \
        as a dma-buf, and scans it out without the CPU touching a pixel.

        Start with `framepipe list` to see the cameras and displays this machine has. \
        Several cameras share one screen, a plane each, with one atomic commit per vblank \
        at most: `framepipe preview --device /dev/video0 --device /dev/video4`.

        Shell completions: `framepipe --generate-completion-script bash|zsh|fish`. \
        A man page: `swift package plugin generate-manual` in the source tree. The \
        README says where to install both.

        EXIT CODES
        \(ExitStatus.allCases.map { "  \(NumberText.integer($0.rawValue, width: -4)) \($0.meaning)" }.joined(separator: "\n"))
        """,
        version: BuildStamp.version,
        subcommands: [List.self, Plan.self, Preview.self, Bench.self])

    /// Standard output is line-buffered wherever it goes (a service's is
    /// the journal's pipe), then the command runs.
    static func main() {
        StandardStream.lineBufferOutput()
        main(nil)
    }
}

/// Runs a command body; a ``UserFacingError`` becomes one line on stderr and
/// its documented exit status. Anything else is reported once, as a failure.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as UserFacingError {
        printError(error.description + accessHint(error))
        throw ExitCode(ExitStatus(error.category).rawValue)
    } catch let error as ExitCode {
        throw error
    } catch let error as ValidationError {
        // A flag that contradicts the pipeline file: a usage error.
        printError(error.message)
        throw ExitCode(ExitStatus.usage.rawValue)
    } catch {
        printError(String(describing: error))
        throw ExitCode(ExitStatus.failure.rawValue)
    }
}

/// For a device node this user may not open: its mode and group, and
/// whether the user is in it ("; mode 0660, root:video; user pi is not in
/// group video"), so that the line says what to do.
func accessHint(_ error: any UserFacingError) -> String {
    guard let error = error as? DeviceError, error.call == "open", error.category == .permissionDenied else { return "" }
    return NodeAccess.clause(error.device)
}

func printError(_ message: String) {
    StandardStream.error.write("\(Journal.isStandardError ? "<3>" : "")framepipe: \(message)\n")
}

/// The JSON form of every report framepipe prints or writes: sorted keys,
/// indented, ending in a newline.
func reportJSON<Report: Encodable>(_ report: Report) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(report) + Data("\n".utf8)
}

/// A run stopped by a signal ends with that signal's documented status
/// (after its summary was printed); other stops end normally.
func exitForSignal(_ reason: StopReason) throws {
    switch reason {
    case .interrupted: throw ExitCode(ExitStatus.interrupted.rawValue)
    case .terminated: throw ExitCode(ExitStatus.terminated.rawValue)
    default: break
    }
}
