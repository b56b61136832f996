import Foundation
import Platform
import XCTest

/// NumberText writes what `String(format:)` wrote for the conversions the
/// reports use: checked here against Foundation itself (which the tests may
/// link) on values around every rounding edge, and on a few fixed texts.
final class NumberTextTests: XCTestCase {
    private let values: [Double] = {
        var values: [Double] = [0, -0.0, 0.5, 1.5, 2.5, 0.125, 0.375, 1.005, 2.675, 1.045, -0.04, -0.05, -1.25, 59.94, 60.004,
                                16.666_666_666, 99.95, 99.949_999, 100, 1e6, 1234567.89, 1e20, -1e20, 1e300, 1e-7, 0.000_5,
                                .greatestFiniteMagnitude, .leastNonzeroMagnitude, .infinity, -.infinity, .nan]
        // Halves and near-halves at every scale the reports print.
        for step in 0..<400 {
            let x = Double(step) * 0.0125 + 0.000_000_1 * Double(step % 3) - 0.000_000_1
            values.append(x)
            values.append(-x * 37)
        }
        return values
    }()

    func testFixedMatchesFoundationFormat() {
        for value in values {
            for decimals in 0...3 {
                XCTAssertEqual(NumberText.fixed(value, decimals), String(format: "%.\(decimals)f", value), "\(value) %.\(decimals)f")
            }
            for (width, decimals) in [(6, 1), (7, 2), (11, 3), (18, 1), (23, 1)] {
                XCTAssertEqual(NumberText.fixed(value, decimals, width: width), String(format: "%\(width).\(decimals)f", value),
                               "\(value) %\(width).\(decimals)f")
            }
        }
    }

    func testGeneralMatchesFoundationFormat() {
        for value in values + [1, 25, 0.1, 12.5, 29.97, 1234567, 0.000_012_345, 123456, 1e-5] {
            XCTAssertEqual(NumberText.general(value), String(format: "%g", value), "\(value) %g")
        }
    }

    func testIntegerMatchesFoundationFormat() {
        for value in [0, 7, -7, 42, 12345, -98765, 1 << 30, Int(Int32.min)] {
            XCTAssertEqual(NumberText.integer(value), String(format: "%d", value))
            XCTAssertEqual(NumberText.integer(value, width: 10), String(format: "%10d", value))
            XCTAssertEqual(NumberText.integer(value, width: 19), String(format: "%19d", value))
            XCTAssertEqual(NumberText.integer(value, width: -4), String(format: "%-4d", value))
        }
        XCTAssertEqual(NumberText.integer(UInt32.max), "4294967295")
        XCTAssertEqual(NumberText.integer(Int64.max, width: 3), "9223372036854775807")
    }

    func testFixedTexts() {
        XCTAssertEqual(NumberText.fixed(0.125, 2), "0.12")  // the exact binary value, half to even
        XCTAssertEqual(NumberText.fixed(1.005, 2), "1.00")  // 1.00499999999999989...
        XCTAssertEqual(NumberText.fixed(-0.04, 1), "-0.0")
        XCTAssertEqual(NumberText.fixed(3.25, 1, width: 6), "   3.2")
        XCTAssertEqual(NumberText.fixed(1e300, 2).count, 304)  // longer than the first buffer
        XCTAssertEqual(NumberText.general(1234567), "1.23457e+06")
        XCTAssertEqual(NumberText.general(59.94), "59.94")
        XCTAssertEqual(NumberText.integer(3, width: -4) + "|", "3   |")
    }
}
