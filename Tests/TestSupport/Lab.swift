import Foundation
import XCTest

/// Device tests need the lab (scripts/lab), which sets FRAMEPIPE_LAB=1.
/// Outside the lab they skip; inside it a missing device is a failure, never
/// a skip, so that a lab run proves the tests really ran.
public enum Lab {
    public static var isInside: Bool {
        ProcessInfo.processInfo.environment["FRAMEPIPE_LAB"] == "1"
    }

    /// Call first in every device test. Skips outside the lab.
    public static func require(file: StaticString = #filePath, line: UInt = #line) throws {
        if !isInside {
            throw XCTSkip("device test: runs only inside the lab (scripts/lab sets FRAMEPIPE_LAB=1)", file: file, line: line)
        }
    }

    /// The path of the `framepipe` executable built beside the test bundle.
    public static var framepipeExecutable: URL {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = bundle.deletingLastPathComponent()
        // `swift test` may run the bundle from inside xctest's folder layout.
        while !FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("framepipe").path),
              directory.path != "/" {
            directory = directory.deletingLastPathComponent()
        }
        return directory.appendingPathComponent("framepipe")
    }
}

/// The result of running the `framepipe` executable.
public struct CommandResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
}

/// Runs the built `framepipe` with `arguments`, waiting for it to exit.
public func runFramepipe(_ arguments: [String], environment: [String: String] = [:]) throws -> CommandResult {
    let process = Process()
    process.executableURL = Lab.framepipeExecutable
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env.merge(environment) { $1 }
    process.environment = env
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Drain both pipes concurrently so a large report cannot fill one and block.
    let errData = LockedData()
    let group = DispatchGroup()
    DispatchQueue.global().async(group: group) {
        errData.set(err.fileHandleForReading.readDataToEndOfFile())
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return CommandResult(
        status: process.terminationStatus,
        stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errData.get(), as: UTF8.self))
}

final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ value: Data) { lock.withLock { data = value } }
    func get() -> Data { lock.withLock { data } }
}
