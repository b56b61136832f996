import Foundation
import Pipeline
import XCTest

@testable import Configuration

/// JSONSyntax says where a file breaks JSON as Foundation's
/// JSONSerialization said it (the message a user saw before the package
/// stopped linking full Foundation): compared with JSONSerialization itself
/// on every prefix of a real pipeline file, on single-byte damage at every
/// offset, and on hand-picked breakage.
final class JSONSyntaxTests: XCTestCase {
    /// JSONSerialization's description of the problem, nil when it parses.
    private func serializationProblem(_ bytes: [UInt8]) -> String? {
        do {
            _ = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
            return nil
        } catch {
            return ((error as NSError).userInfo["NSDebugDescription"] as? String) ?? "no description: \(error)"
        }
    }

    private func assertSame(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(JSONSyntax.problem(in: bytes), serializationProblem(bytes),
                       String(decoding: bytes, as: UTF8.self), file: file, line: line)
    }

    func testPrefixesOfAPipelineFile() throws {
        let text = try [UInt8](Data(contentsOf: repositoryRoot.appendingPathComponent("configs/vivid-two-rects.json")))
        XCTAssertNil(JSONSyntax.problem(in: text))
        for end in 1..<text.count { assertSame(Array(text[..<end])) }
    }

    func testDamageAtEveryOffset() throws {
        let text = try [UInt8](Data(contentsOf: repositoryRoot.appendingPathComponent("configs/vivid-picture-in-picture.json")))
        for offset in text.indices {
            for replacement in Array("x,}]\"0-\\:{ e.\t\u{1}".utf8) {
                var damaged = text
                damaged[offset] = replacement
                assertSame(damaged)
            }
        }
    }

    func testHandPickedBreakage() {
        let cases = [
            "1e999", "-1e999", "[1e400]", "1e-999", "123456789012345678901234567890", "1.5e308", "\u{FEFF}{}", "\u{FEFF}[,1]",
            "{\"a\":1} ", "-", "-0", "-01", "00", "1.", "1.e5", "0e", "0e+", "1e+-2", "1E5", "[1,]", "{\"a\":1,}", "[,1]", "[1,,]",
            "tru", "trux", "nulx ", "falsy", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "\"\\ud800\\udc00\"", "\"\\ud800x\"",
            "\"\\uZZZZ\"", "\"\\u12\"", "\"a\u{1}\"", "\"\\q\"", "[\"\\", "{\"a\" 1}", "{1:2}", "{\"a\":}", "[1 2]", "  ", "[] x",
            "{\"a\": [1, {\"b\": nul}]}", "\"é\\x\"", "[-]", "[1.5e]", "{\"a\":1 \"b\":2}",
        ]
        for text in cases { assertSame(Array(text.utf8)) }
        let deep = Array(String(repeating: "[", count: 600).utf8) + Array(String(repeating: "]", count: 600).utf8)
        assertSame(deep)
        XCTAssertEqual(JSONSyntax.problem(in: deep), "Too many nested arrays or dictionaries around character 513.")
        assertSame(Array((String(repeating: "[", count: 512) + String(repeating: "]", count: 512)).utf8))
    }

    func testDecodeNamesTheProblem() {
        XCTAssertThrowsError(try PipelineConfiguration.decode(Data("{\"source\": {\"device\": \"/dev/video0\",, }}".utf8), file: "a.json")) {
            XCTAssertEqual("\($0)", "a.json: is not valid JSON (Invalid value around character 36.)")
        }
    }
}
