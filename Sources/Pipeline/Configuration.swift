import Foundation
import Platform

/// A pipeline as described in a JSON file under `configs/`: where frames
/// come from, where they go, and for how long. The JSON Schema is
/// `configs/pipeline.schema.json`; unknown keys are an error, never ignored.
public struct PipelineConfiguration: Sendable, Equatable, Codable {
    public var source: SourceConfiguration
    public var sink: SinkConfiguration
    /// How frames are scheduled onto the display.
    public var policy: SchedulingPolicy
    /// Stop after this many frames have been shown.
    public var frames: Int?
    /// Stop after this many seconds of streaming.
    public var duration: Double?

    public init(source: SourceConfiguration = .init(), sink: SinkConfiguration = .init(),
                policy: SchedulingPolicy = .mailbox, frames: Int? = nil, duration: Double? = nil) {
        self.source = source
        self.sink = sink
        self.policy = policy
        self.frames = frames
        self.duration = duration
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case source, sink, policy, frames, duration }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        source = try container.optional(SourceConfiguration.self, .source) ?? .init()
        sink = try container.optional(SinkConfiguration.self, .sink) ?? .init()
        policy = try container.optional(SchedulingPolicy.self, .policy) ?? .mailbox
        frames = try container.integer(.frames)
        try container.check(frames, forKey: .frames, in: 1...1_000_000_000, "a whole number of frames from 1 to 1000000000")
        duration = try container.optional(Double.self, .duration)
        try container.check(duration, forKey: .duration, in: 0.001...86_400, "a number of seconds above 0 and at most 86400")
    }
}

/// How frames reach the display.
public enum SchedulingPolicy: String, Sendable, Equatable, Codable, CaseIterable {
    /// Show the newest frame at each vblank; drop older ready frames.
    case mailbox

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = SchedulingPolicy(rawValue: text) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "expected one of \(Self.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")), got \"\(text)\""))
        }
        self = value
    }
}

/// The camera side.
public struct SourceConfiguration: Sendable, Equatable, Codable {
    /// A V4L2 node ("/dev/video0") or "auto" for the first capture device.
    public var device: String
    /// The V4L2 pixel format ("XR24"); nil lets negotiation choose.
    public var format: FourCC?
    public var width: Int
    public var height: Int
    /// Frames per second to ask the camera for; nil keeps the driver's.
    public var frameRate: Double?
    /// How many capture buffers to allocate (at least 3 keeps the camera
    /// busy while one buffer is on screen and one is committed).
    public var buffers: Int
    /// V4L2 controls to set before streaming, by name ("timestamp_source": 1).
    public var controls: [String: Int64]

    public init(device: String = "auto", format: FourCC? = nil, width: Int = 640, height: Int = 480,
                frameRate: Double? = nil, buffers: Int = 4, controls: [String: Int64] = [:]) {
        self.device = device
        self.format = format
        self.width = width
        self.height = height
        self.frameRate = frameRate
        self.buffers = buffers
        self.controls = controls
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case device, format, width, height, frameRate, buffers, controls }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let defaults = SourceConfiguration()
        let container = try decoder.container(keyedBy: CodingKeys.self)
        device = try container.optional(String.self, .device) ?? defaults.device
        try container.check(device.isEmpty ? nil : device, orEmpty: device, forKey: .device,
                            "a device path such as \"/dev/video0\" or \"auto\"")
        format = try container.optional(FourCC.self, .format)
        width = try container.integer(.width) ?? defaults.width
        try container.check(width, forKey: .width, in: 1...16384, "a width in pixels from 1 to 16384")
        height = try container.integer(.height) ?? defaults.height
        try container.check(height, forKey: .height, in: 1...16384, "a height in pixels from 1 to 16384")
        frameRate = try container.optional(Double.self, .frameRate)
        try container.check(frameRate, forKey: .frameRate, in: 0.01...1000, "frames per second above 0 and at most 1000")
        buffers = try container.integer(.buffers) ?? defaults.buffers
        try container.check(buffers, forKey: .buffers, in: 2...32, "a buffer count from 2 to 32")
        controls = try container.optional([String: Int64].self, .controls) ?? [:]
    }
}

/// The display side.
public struct SinkConfiguration: Sendable, Equatable, Codable {
    /// A DRM card ("/dev/dri/card0") or "auto" for the first card that can display.
    public var card: String
    /// Connector name ("Virtual-1", "HDMI-A-1"); nil for the first connected one.
    public var connector: String?
    /// Mode ("1024x768" or "1920x1080@60"); nil for the connector's preferred mode.
    public var mode: String?
    /// "auto", "primary", "overlay", or a plane id.
    public var plane: String
    /// Where the frame's top-left corner goes; nil centres it.
    public var position: Position?
    /// Use legacy KMS (SetCrtc + PageFlip) even when atomic is available.
    public var legacy: Bool

    public struct Position: Sendable, Equatable, Codable {
        public var x: Int
        public var y: Int

        public init(x: Int, y: Int) {
            self.x = x
            self.y = y
        }

        enum CodingKeys: String, CodingKey, CaseIterable { case x, y }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            x = try container.requiredInteger(.x)
            try container.check(x, forKey: .x, in: 0...16384, "a pixel offset from 0 to 16384")
            y = try container.requiredInteger(.y)
            try container.check(y, forKey: .y, in: 0...16384, "a pixel offset from 0 to 16384")
        }
    }

    public init(card: String = "auto", connector: String? = nil, mode: String? = nil, plane: String = "auto",
                position: Position? = nil, legacy: Bool = false) {
        self.card = card
        self.connector = connector
        self.mode = mode
        self.plane = plane
        self.position = position
        self.legacy = legacy
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case card, connector, mode, plane, position, legacy }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let defaults = SinkConfiguration()
        let container = try decoder.container(keyedBy: CodingKeys.self)
        card = try container.optional(String.self, .card) ?? defaults.card
        try container.check(card.isEmpty ? nil : card, orEmpty: card, forKey: .card,
                            "a DRM card path such as \"/dev/dri/card0\" or \"auto\"")
        connector = try container.optional(String.self, .connector)
        mode = try container.optional(String.self, .mode)
        if let mode, !SinkConfiguration.isModeText(mode) {
            throw DecodingError.dataCorruptedError(
                forKey: .mode, in: container,
                debugDescription: "expected a mode such as \"1024x768\" or \"1920x1080@60\", got \"\(mode)\"")
        }
        plane = try container.optional(String.self, .plane) ?? defaults.plane
        if !SinkConfiguration.isPlaneText(plane) {
            throw DecodingError.dataCorruptedError(
                forKey: .plane, in: container,
                debugDescription: "expected \"auto\", \"primary\", \"overlay\" or a plane id such as \"31\", got \"\(plane)\"")
        }
        position = try container.optional(Position.self, .position)
        legacy = try container.optional(Bool.self, .legacy) ?? false
    }

    /// "auto", "primary", "overlay" or a numeric plane id.
    public static func isPlaneText(_ text: String) -> Bool {
        ["auto", "primary", "overlay"].contains(text) || UInt32(text) != nil
    }

    /// "WxH" or "WxH@R" with positive numbers.
    public static func isModeText(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count) else { return false }
        let size = parts[0].split(separator: "x", omittingEmptySubsequences: false)
        guard size.count == 2, let w = Int(size[0]), let h = Int(size[1]), w > 0, h > 0 else { return false }
        if parts.count == 2 { return Double(parts[1]).map { $0 > 0 } ?? false }
        return true
    }
}

// MARK: Loading

/// A pipeline file that cannot be used: names the file, the key path and
/// what was expected, in one line.
public struct ConfigurationError: UserFacingError, Sendable, Equatable {
    public let file: String
    /// "source.width", or empty for the file as a whole.
    public let keyPath: String
    public let problem: String
    public let exitStatus: ExitStatus

    public init(file: String, keyPath: String, problem: String, exitStatus: ExitStatus = .dataError) {
        self.file = file
        self.keyPath = keyPath
        self.problem = problem
        self.exitStatus = exitStatus
    }

    public var description: String {
        keyPath.isEmpty ? "\(file): \(problem)" : "\(file): \(keyPath): \(problem)"
    }
}

extension PipelineConfiguration {
    /// The largest pipeline file accepted; real ones are well under 4 KiB.
    public static let maximumFileSize = 1 << 20

    /// Reads and validates a pipeline file.
    public static func load(path: String) throws(ConfigurationError) -> PipelineConfiguration {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ConfigurationError(file: path, keyPath: "", problem: "no such file, expected a JSON pipeline file", exitStatus: .noInput)
        }
        if isDirectory.boolValue {
            throw ConfigurationError(file: path, keyPath: "", problem: "is a directory, expected a JSON pipeline file")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ConfigurationError(file: path, keyPath: "", problem: "cannot be read (permission denied?)", exitStatus: .noPermission)
        }
        defer { try? handle.close() }
        // Read at most one byte past the limit, so /dev/zero or a huge file
        // cannot exhaust memory.
        let data: Data
        do {
            data = try handle.read(upToCount: maximumFileSize + 1) ?? Data()
        } catch {
            throw ConfigurationError(file: path, keyPath: "", problem: "cannot be read: \(error.localizedDescription)", exitStatus: .noInput)
        }
        if data.count > maximumFileSize {
            throw ConfigurationError(file: path, keyPath: "", problem: "is larger than 1 MiB, expected a small JSON pipeline file")
        }
        return try decode(data, file: path)
    }

    /// Decodes pipeline JSON; `file` names it in errors.
    public static func decode(_ data: Data, file: String) throws(ConfigurationError) -> PipelineConfiguration {
        if data.isEmpty {
            throw ConfigurationError(file: file, keyPath: "", problem: "is empty, expected a JSON object")
        }
        guard String(validatingUTF8Bytes: data) != nil else {
            throw ConfigurationError(file: file, keyPath: "", problem: "is not valid UTF-8 text, expected a JSON object")
        }
        do {
            return try JSONDecoder().decode(PipelineConfiguration.self, from: data)
        } catch let error as DecodingError {
            throw ConfigurationError(file: file, decodingError: error, data: data)
        } catch {
            throw ConfigurationError(file: file, keyPath: "", problem: "cannot be decoded: \(oneLine(error.localizedDescription))")
        }
    }
}

extension String {
    init?(validatingUTF8Bytes data: Data) {
        var iterator = data.makeIterator()
        var decoder = UTF8()
        var valid = true
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: break loop
            case .error: valid = false; break loop
            }
        }
        guard valid else { return nil }
        self = String(decoding: data, as: UTF8.self)
    }
}

private func oneLine(_ text: String) -> String {
    text.split(whereSeparator: \.isNewline).joined(separator: " ")
}

extension ConfigurationError {
    init(file: String, decodingError: DecodingError, data: Data) {
        /// Foundation's decoder says only "not valid JSON"; JSONSerialization
        /// says where.
        func jsonSyntaxProblem(file: String) -> String {
            do {
                _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
                return "unsupported structure"
            } catch {
                let info = (error as NSError).userInfo
                return oneLine((info["NSDebugDescription"] as? String) ?? error.localizedDescription)
            }
        }
        func path(_ keys: [any CodingKey]) -> String {
            var text = ""
            for key in keys {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    // A key is user input: keep the message on one line.
                    let name = key.stringValue.unicodeScalars.map { scalar -> String in
                        Character(scalar).isNewline || scalar.properties.generalCategory == .control
                            ? "\\u{\(String(scalar.value, radix: 16))}" : String(scalar)
                    }.joined()
                    text += text.isEmpty ? name : "." + name
                }
            }
            return text
        }
        switch decodingError {
        case .typeMismatch(let type, let context):
            self.init(file: file, keyPath: path(context.codingPath), problem: "expected \(describe(type))")
        case .valueNotFound(let type, let context):
            self.init(file: file, keyPath: path(context.codingPath), problem: "expected \(describe(type)), got null")
        case .keyNotFound(let key, let context):
            self.init(file: file, keyPath: path(context.codingPath + [key]), problem: "missing, it is required")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                self.init(file: file, keyPath: "", problem: "is not valid JSON (\(jsonSyntaxProblem(file: file)))")
            } else {
                self.init(file: file, keyPath: path(context.codingPath), problem: oneLine(context.debugDescription))
            }
        @unknown default:
            self.init(file: file, keyPath: "", problem: oneLine("\(decodingError)"))
        }
    }
}

private func describe(_ type: Any.Type) -> String {
    switch type {
    case is Int.Type, is Int64.Type, is UInt32.Type: return "an integer"
    case is Double.Type: return "a number"
    case is String.Type: return "a string"
    case is Bool.Type: return "true or false"
    case is [String: Any].Type, is [String: Int64].Type: return "an object"
    default:
        let name = "\(type)"
        return name.hasPrefix("Dictionary") || name.hasSuffix("Configuration") || name == "Position"
            ? "an object" : name.hasPrefix("Array") ? "an array" : "a value of type \(name)"
    }
}

// MARK: Strict decoding helpers

struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
}

extension Decoder {
    /// Throws for any key the type does not define: a misspelt key silently
    /// ignored would run a different pipeline than the user wrote.
    func rejectUnknownKeys<Keys: CodingKey & CaseIterable>(_ keys: Keys.Type) throws {
        guard let container = try? container(keyedBy: AnyCodingKey.self) else { return }
        let known = Set(Keys.allCases.map(\.stringValue))
        if let unknown = container.allKeys.map(\.stringValue).sorted().first(where: { !known.contains($0) }) {
            throw DecodingError.dataCorrupted(.init(
                codingPath: codingPath + [AnyCodingKey(stringValue: unknown)],
                debugDescription: "unknown key; expected one of \(Keys.allCases.map(\.stringValue).joined(separator: ", "))"))
        }
    }
}

extension KeyedDecodingContainer {
    /// Like `decodeIfPresent`, but an explicit `null` is an error: the
    /// schema has no nullable keys, and a null usually means a mistake.
    func optional<Value: Decodable>(_ type: Value.Type, _ key: Key) throws -> Value? {
        guard contains(key) else { return nil }
        if try decodeNil(forKey: key) {
            throw DecodingError.valueNotFound(type, .init(codingPath: codingPath + [key], debugDescription: "null"))
        }
        return try decode(type, forKey: key)
    }

    /// An optional integer. Decoded through Double so that 64.5 is reported
    /// at its key ("expected an integer, got 64.5"); Foundation's own error
    /// for a fractional Int names neither key nor value.
    func integer(_ key: Key) throws -> Int? {
        guard let value = try optional(Double.self, key, reportingAs: Int.self) else { return nil }
        guard value == value.rounded(), abs(value) <= 9_007_199_254_740_992 else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "expected an integer, got \(value)")
        }
        return Int(value)
    }

    func requiredInteger(_ key: Key) throws -> Int {
        guard let value = try integer(key) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "missing"))
        }
        return value
    }

    private func optional<Value: Decodable>(_ type: Value.Type, _ key: Key, reportingAs reported: Any.Type) throws -> Value? {
        do {
            return try optional(type, key)
        } catch DecodingError.typeMismatch(_, let context) {
            throw DecodingError.typeMismatch(reported, context)
        } catch DecodingError.valueNotFound(_, let context) {
            throw DecodingError.valueNotFound(reported, context)
        }
    }

    func check<Value: Comparable>(_ value: Value?, forKey key: Key, in range: ClosedRange<Value>, _ expected: String) throws {
        guard let value, !range.contains(value) else { return }
        throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "expected \(expected), got \(value)")
    }

    func check(_ value: String?, orEmpty original: String, forKey key: Key, _ expected: String) throws {
        guard value == nil else { return }
        throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "expected \(expected), got \"\(original)\"")
    }
}
