// libFuzzer harness for the pipeline-file decoder
// (`PipelineConfiguration.decode(_:file:)`, Sources/Configuration/PipelineConfiguration+Loading.swift).
//
// Built by scripts/fuzz: SwiftPM builds the Configuration module and
// everything below it with `-sanitize=fuzzer,address` (coverage and ASan, no libFuzzer
// main), then `swiftc` links this file against those objects; see
// fuzz/README.md for why it is not a package target.
//
// For every input the decoder must either return a configuration or throw
// a `ConfigurationError` (the signature's typed throws guarantee the type)
// whose message is one line naming the file. Anything else is a finding:
// a crash, a trap (overflow, out-of-range index, force unwrap), an ASan
// report, a multi-line or misattributed message, or a configuration that
// the decoder accepts but cannot read back after encoding it.
import Configuration
import Foundation
import Platform

#if canImport(Glibc)
import Glibc
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func configurationDecoderFuzzTarget(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = bytes.map { Data(bytes: $0, count: count) } ?? Data()
    let configuration: PipelineConfiguration
    do {
        configuration = try PipelineConfiguration.decode(data, file: "fuzz")
    } catch {
        checkErrorMessage(error)
        return 0
    }
    checkRoundTrip(configuration)
    return 0
}

/// The CLI prints `framepipe: <description>` as one line and exits with
/// the error's status: a pipeline file that decodes badly is always an
/// invalid request (exit 65).
private func checkErrorMessage(_ error: ConfigurationError) {
    let text = error.description
    if text.contains(where: \.isNewline) {
        finding("the error message spans several lines: \(String(reflecting: text))")
    }
    // Compared as bytes: a key that starts with a combining mark joins the
    // separator's space into one Character, which `hasPrefix` would reject.
    if error.file != "fuzz" || !text.utf8.starts(with: "fuzz: ".utf8) {
        finding("the error message does not start with the file name: \(String(reflecting: text))")
    }
    if error.problem.isEmpty {
        finding("the error message has no problem text: \(String(reflecting: text))")
    }
    if error.category != .invalidRequest {
        finding("a decoding error has category \(error.category), expected invalidRequest (exit 65): \(String(reflecting: text))")
    }
}

/// A configuration the decoder accepted is valid, so writing it out and
/// decoding it again must give the same configuration.
private func checkRoundTrip(_ configuration: PipelineConfiguration) {
    let encoded: Data
    do {
        encoded = try JSONEncoder().encode(configuration)
    } catch {
        finding("an accepted configuration cannot be encoded: \(error)")
    }
    do {
        let again = try PipelineConfiguration.decode(encoded, file: "fuzz-roundtrip")
        if again != configuration {
            finding("re-decoding an accepted configuration changed it: \(configuration) became \(again)")
        }
    } catch {
        finding("an accepted configuration, encoded, is rejected: \(error.description)")
    }
}

/// Reports and aborts, so that libFuzzer saves the input as a crash artifact.
private func finding(_ message: String) -> Never {
    FileHandle.standardError.write(Data("config-fuzzer: FINDING: \(message)\n".utf8))
    abort()
}
