import FoundationEssentials
import Platform

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

func oneLine(_ text: String) -> String {
    text.split(whereSeparator: \.isNewline).joined(separator: " ")
}

extension ConfigurationError {
    init(file: String, decodingError: DecodingError, data: Data) {
        /// The decoder says only "not valid JSON"; JSONSyntax says where.
        func jsonSyntaxProblem(file: String) -> String {
            JSONSyntax.problem(in: data).map(oneLine) ?? "unsupported structure"
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

    /// An optional name of one of `Value`'s cases. Anything else is an
    /// error listing the names there are (Foundation's own message names
    /// the Swift type: "Cannot initialize LayoutPreset from invalid String
    /// value mosaic").
    func optionalName<Value: RawRepresentable & CaseIterable>(_ type: Value.Type, _ key: Key) throws -> Value? where Value.RawValue == String {
        guard let text = try optional(String.self, key) else { return nil }
        guard let value = Value(rawValue: text) else {
            let names = Value.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "expected one of \(names), got \"\(text)\"")
        }
        return value
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

    /// A required pixel offset on screen (0 to 16384): `x`, `y` of a
    /// position or a rectangle.
    func requiredPixelOffset(_ key: Key) throws -> Int {
        let value = try requiredInteger(key)
        try check(value, forKey: key, in: 0...16384, "a pixel offset from 0 to 16384")
        return value
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
