#if canImport(Glibc)
import Glibc
#endif

/// Numbers as text, digit for digit as C's printf writes them in the "C"
/// locale: what reports and messages print. `String(format:)` gave the same
/// text but is in full Foundation only, which links ICU (about 53 MB of
/// shared libraries for the dynamic loader to map and relocate before
/// `main`); this is libc's `vsnprintf`, so the rounding is printf's own
/// (the exact binary value, halves to even: 0.125 → "0.12", 1.005 → "1.00").
///
/// - `fixed(x, 2)` is `%.2f`; `fixed(x, 1, width: 6)` is `%6.1f`
/// - `general(x)` is `%g` (six significant digits, no trailing zeros)
/// - `integer(n, width: 5)` is `%5d`, `integer(n, width: -4)` is `%-4d`
public enum NumberText {
    /// `value` with `decimals` digits after the point (`%.<decimals>f`),
    /// right-aligned in at least `width` characters (`%<width>.<decimals>f`).
    public static func fixed(_ value: Double, _ decimals: Int, width: Int = 0) -> String {
        printf("%*.*f", [Int32(clamping: width), Int32(clamping: decimals), value])
    }

    /// `value` with at most six significant digits and no trailing zeros,
    /// in exponent form when very large or small (`%g`: 1, 0.5, 59.94,
    /// 1.23457e+06).
    public static func general(_ value: Double) -> String {
        printf("%g", [value])
    }

    /// `value` in decimal, right-aligned in at least `width` characters
    /// (`%<width>d`); a negative width left-aligns it (`%-4d`).
    public static func integer(_ value: some BinaryInteger, width: Int = 0) -> String {
        let digits = String(value)
        let padding = String(repeating: " ", count: max(0, abs(width) - digits.count))
        return width < 0 ? digits + padding : padding + digits
    }

    /// One conversion through `vsnprintf`: into a small buffer first, and
    /// again into one of the exact size when the text is longer (1e300
    /// with two decimals is 304 characters).
    private static func printf(_ format: String, _ arguments: [any CVarArg]) -> String {
        func attempt(capacity: Int) -> (text: String, needed: Int) {
            withUnsafeTemporaryAllocation(of: CChar.self, capacity: capacity) { buffer in
                let needed = withVaList(arguments) { list in
                    Int(vsnprintf(buffer.baseAddress, capacity, format, list))
                }
                guard needed >= 0, needed < capacity, let base = buffer.baseAddress else { return ("", max(needed, 0)) }
                return (String(cString: base), needed)
            }
        }
        let first = attempt(capacity: 64)
        return first.needed < 64 ? first.text : attempt(capacity: first.needed + 1).text
    }
}
