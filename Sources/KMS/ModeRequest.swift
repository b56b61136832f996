import Platform

/// A mode as a person asks for it: "1024x768", "1920x1080@60",
/// "1920x1080@59.94", or the kernel's name of a mode.
public enum ModeRequest: Sendable, Equatable, CustomStringConvertible {
    /// A size, and optionally a refresh rate in hertz.
    case size(width: Int, height: Int, refreshRate: Double?)
    /// A mode name as the kernel lists it (e.g. "1920x1080i").
    case name(String)

    /// What a mode may be written as, for error messages and `--help`.
    public static let syntax = #""WIDTHxHEIGHT" (e.g. "1024x768"), "WIDTHxHEIGHT@HZ" (e.g. "1920x1080@60") or an interlaced mode's kernel name (e.g. "1920x1080i")"#

    /// Reads a mode as people and pipeline files write it. This is the one
    /// parser of mode text: `sink.mode` and `--mode` both use it.
    ///
    /// - "WIDTHxHEIGHT": that size at the preferred (else the highest) rate;
    /// - "WIDTHxHEIGHT@HZ": that size at the rate closest to HZ (±0.5);
    /// - "WIDTHxHEIGHTi": the kernel's name of an interlaced mode.
    ///
    /// Sizes and rates must be positive. Anything else is nil.
    public init?(parsing text: String) {
        let trimmed = text.trimmingWhitespace()
        let atSplit = trimmed.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        var sizeText = atSplit[0]
        let interlaced = sizeText.hasSuffix("i")
        if interlaced { sizeText = sizeText.dropLast() }
        let sizeParts = sizeText.split(separator: "x", maxSplits: 1, omittingEmptySubsequences: false)
        guard sizeParts.count == 2, let width = Int(sizeParts[0]), let height = Int(sizeParts[1]), width > 0, height > 0 else {
            return nil
        }
        if interlaced {
            guard atSplit.count == 1 else { return nil }
            self = .name(trimmed)
        } else if atSplit.count == 2 {
            guard let rate = Double(atSplit[1]), rate > 0, rate.isFinite else { return nil }
            self = .size(width: width, height: height, refreshRate: rate)
        } else {
            self = .size(width: width, height: height, refreshRate: nil)
        }
    }

    /// As it was written: "1024x768", "1920x1080@60", "1920x1080i".
    public var description: String {
        switch self {
        case .size(let width, let height, let rate?):
            return "\(width)x\(height)@\(rate.formatted)"
        case .size(let width, let height, nil):
            return "\(width)x\(height)"
        case .name(let name):
            return name
        }
    }

    /// How far a requested refresh rate may be from a mode's: 59.94 and 60
    /// are the same request to a person.
    static let refreshTolerance = 0.5

    /// Picks the mode this request means among `modes` (kernel order):
    /// for a size, the preferred mode if it has that size, else the closest
    /// rate (or, with no rate, the first listed, which the kernel sorts
    /// highest rate first); progressive modes win over interlaced ones.
    package func select(from modes: [DisplayMode]) -> DisplayMode? {
        switch self {
        case .name(let name):
            return modes.first { $0.name == name }
        case .size(let width, let height, let rate):
            let sized = modes.filter { $0.width == width && $0.height == height }
            let progressive = sized.filter { !$0.isInterlaced }
            let pool = progressive.isEmpty ? sized : progressive
            guard let rate else {
                return pool.first(where: \.isPreferred) ?? pool.first
            }
            let close = pool.filter { abs($0.refreshRate - rate) <= Self.refreshTolerance }
            return close.min { abs($0.refreshRate - rate) < abs($1.refreshRate - rate) }
        }
    }
}
