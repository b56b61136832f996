/// Where a pipeline file breaks JSON's grammar, said in the words
/// Foundation's `JSONSerialization` uses ("Invalid value around character
/// 12.", "Unexpected end of file during JSON parse."): `JSONDecoder` says
/// only "The given data was not valid JSON.", and `JSONSerialization` is in
/// full Foundation, which this package does not link (it brings ICU, tens of
/// megabytes for the loader before `main`). The checker accepts what
/// `JSONSerialization` accepts with `.fragmentsAllowed` (a trailing comma in
/// an array or object, a leading UTF-8 byte order mark, at most 512 levels of
/// nesting) and reports the first problem at the byte offset it reports;
/// `JSONSyntaxTests` compares the two on a corpus of broken files.
struct JSONSyntax {
    /// The first problem in `bytes` (UTF-8 text), or nil when it is
    /// well-formed JSON.
    static func problem(in bytes: some Collection<UInt8>) -> String? {
        var checker = JSONSyntax(bytes: Array(bytes))
        do {
            try checker.document()
            return nil
        } catch {
            return error.message
        }
    }

    private enum Failure: Error {
        case endOfFile
        case invalidValue(at: Int)
        case leadingZero(at: Int)
        case controlCharacter(at: Int)
        case invalidEscape(backslashAt: Int)
        case invalidHex(String, at: Int)
        case missingLowSurrogate
        case loneLowSurrogate
        case tooDeep(at: Int)
        case unrepresentable(String)

        var message: String {
            switch self {
            case .endOfFile: return "Unexpected end of file during JSON parse."
            case .invalidValue(let at): return "Invalid value around character \(at)."
            case .leadingZero(let at): return "Number with leading zero around character \(at)."
            case .controlCharacter(let at): return "Unescaped control character around character \(at)."
            case .invalidEscape(let at): return "Invalid escape sequence around character \(at)."
            case .invalidHex(let digits, let at): return "Invalid hex encoded sequence in \"\(digits)\" at \(at)."
            case .missingLowSurrogate:
                return "Unexpected end of file during string parse (expected low-surrogate code point but did not find one)."
            case .loneLowSurrogate: return "Unable to convert hex escape sequence (no high character) to UTF8-encoded character."
            case .tooDeep(let at): return "Too many nested arrays or dictionaries around character \(at)."
            case .unrepresentable(let text): return "Number \(text) is not representable in Swift."
            }
        }
    }

    private let bytes: [UInt8]
    private var position = 0
    private var depth = 0

    private init(bytes: [UInt8]) {
        // Offsets count from after a byte order mark, as JSONSerialization's do.
        self.bytes = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
    }

    private mutating func document() throws(Failure) {
        try value()
        while position < bytes.count {
            guard Self.isWhitespace(bytes[position]) else { throw .invalidValue(at: position) }
            position += 1
        }
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// Skips whitespace and returns the byte after it (not consumed).
    private mutating func nextByte() throws(Failure) -> UInt8 {
        while position < bytes.count, Self.isWhitespace(bytes[position]) { position += 1 }
        guard position < bytes.count else { throw .endOfFile }
        return bytes[position]
    }

    private mutating func value() throws(Failure) {
        switch try nextByte() {
        case UInt8(ascii: "\""): try string()
        case UInt8(ascii: "{"): try container(closing: UInt8(ascii: "}"))
        case UInt8(ascii: "["): try container(closing: UInt8(ascii: "]"))
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
        default: throw .invalidValue(at: position)
        }
    }

    /// An array (members are values) or an object (members are
    /// `"key": value`), a trailing comma allowed.
    private mutating func container(closing: UInt8) throws(Failure) {
        guard depth < 512 else { throw .tooDeep(at: position + 1) }
        depth += 1
        defer { depth -= 1 }
        position += 1
        if try nextByte() == closing {
            position += 1
            return
        }
        while true {
            if closing == UInt8(ascii: "}") {
                try string()
                guard try nextByte() == UInt8(ascii: ":") else { throw .invalidValue(at: position) }
                position += 1
            }
            try value()
            switch try nextByte() {
            case closing:
                position += 1
                return
            case UInt8(ascii: ","):
                position += 1
                if try nextByte() == closing {
                    position += 1
                    return
                }
            default:
                throw .invalidValue(at: position)
            }
        }
    }

    /// `true`, `false` or `null`. A wrong last byte of the file reads as
    /// the end of the file, as JSONSerialization has it.
    private mutating func literal(_ word: StaticString) throws(Failure) {
        for expected in UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount) {
            guard position < bytes.count else { throw .endOfFile }
            let byte = bytes[position]
            position += 1
            if byte != expected {
                throw position >= bytes.count ? .endOfFile : .invalidValue(at: position - 1)
            }
        }
    }

    private mutating func string() throws(Failure) {
        guard bytes[position] == UInt8(ascii: "\"") else { throw .invalidValue(at: position) }
        position += 1
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "\""):
                position += 1
                return
            case 0..<0x20:
                throw .controlCharacter(at: position)
            case UInt8(ascii: "\\"):
                try escape()
            default:
                position += 1
            }
        }
        throw .endOfFile
    }

    private mutating func escape() throws(Failure) {
        let backslash = position
        position += 1
        guard position < bytes.count else { throw .endOfFile }
        let letter = bytes[position]
        position += 1
        switch letter {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
             UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return
        case UInt8(ascii: "u"):
            let unit = try hexQuad()
            if unit & 0xFC00 == 0xD800 {
                guard position + 2 <= bytes.count else { throw .endOfFile }
                guard bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else { throw .missingLowSurrogate }
                position += 2
                guard try hexQuad() & 0xFC00 == 0xDC00 else { throw .missingLowSurrogate }
            } else if unit & 0xFC00 == 0xDC00 {
                throw .loneLowSurrogate
            }
        default:
            throw .invalidEscape(backslashAt: backslash)
        }
    }

    /// The four hex digits of a `\u` escape.
    private mutating func hexQuad() throws(Failure) -> UInt16 {
        let start = position
        guard start + 4 <= bytes.count else { throw .endOfFile }
        position += 4
        var unit: UInt16 = 0
        for byte in bytes[start..<start + 4] {
            guard let digit = Int(String(UnicodeScalar(byte)), radix: 16) else {
                throw .invalidHex(String(decoding: bytes[start..<start + 4], as: UTF8.self), at: start)
            }
            unit = unit << 4 | UInt16(digit)
        }
        return unit
    }

    private enum NumberPart { case integer, fraction, exponent, exponentSign }

    private mutating func number() throws(Failure) {
        let start = position
        var part = NumberPart.integer
        var digits = bytes[start] == UInt8(ascii: "-") ? 0 : 1
        var leadingZero = bytes[start] == UInt8(ascii: "0")
        var index = start + 1
        scan: while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if leadingZero { throw .leadingZero(at: index) }
                if byte == UInt8(ascii: "0"), digits == 0, part == .integer { leadingZero = true }
                digits += 1
            case UInt8(ascii: "."):
                guard digits > 0, part == .integer else { throw .invalidValue(at: index) }
                (part, digits, leadingZero) = (.fraction, 0, false)
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                guard digits > 0, part == .integer || part == .fraction else { throw .invalidValue(at: index) }
                (part, digits, leadingZero) = (.exponent, 0, false)
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                guard digits == 0, part == .exponent else { throw .invalidValue(at: index) }
                part = .exponentSign
            case 0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"):
                guard digits > 0 else { throw .invalidValue(at: index) }
                break scan
            default:
                throw .invalidValue(at: index)
            }
            index += 1
        }
        guard digits > 0 else { throw .endOfFile }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        guard let value = Double(text), value.isFinite else { throw .unrepresentable(text) }
        position = index
    }
}
