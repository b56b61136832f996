import Foundation
import Platform
import Reporting
import TestSupport
import XCTest

final class PNGTests: XCTestCase {
    /// A folder of this test's own, removed after it.
    private let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("framepipe-png-\(UUID().uuidString)")

    override func setUpWithError() throws {
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: scratch)
    }

    func testEncodesPixelsThatDecodeBack() throws {
        // 3x2 XRGB8888 with a 16-byte stride (padding after each row).
        let pixels: [UInt8] = [
            0x30, 0x20, 0x10, 0xff, 0x00, 0x00, 0xff, 0xff, 0x00, 0xff, 0x00, 0xff, 9, 9, 9, 9,
            0xff, 0x00, 0x00, 0xff, 0x01, 0x02, 0x03, 0xff, 0xaa, 0xbb, 0xcc, 0xff, 9, 9, 9, 9,
        ]
        let png = try pixels.withUnsafeBytes { try PNG.encodeXRGB8888($0, width: 3, height: 2, stride: 16) }
        XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
        let decoded = try DecodedPNG(png)
        XCTAssertEqual(decoded.width, 3)
        XCTAssertEqual(decoded.height, 2)
        XCTAssertTrue(decoded.isEightBitRGB, "format \(decoded.fileFormat)")
        XCTAssertEqual(decoded.rgb, [0x10, 0x20, 0x30, 0xff, 0x00, 0x00, 0x00, 0xff, 0x00,
                                     0x00, 0x00, 0xff, 0x03, 0x02, 0x01, 0xcc, 0xbb, 0xaa])
    }

    /// Noise (which deflate cannot shrink) with odd sizes, padded rows and
    /// garbage X bytes: written to memory and to a file, both read back by
    /// libpng equal to the pixels that went in.
    func testRoundTripIsPixelExact() throws {
        let width = 97, height = 61, stride = 97 * 4 + 12
        var state: UInt32 = 12_345
        let pixels = (0..<stride * height).map { _ -> UInt8 in
            state = state &* 1_664_525 &+ 1_013_904_223
            return UInt8(state >> 24)
        }
        var expected = [UInt8]()
        for y in 0..<height {
            for x in 0..<width {
                let p = y * stride + x * 4
                expected += [pixels[p + 2], pixels[p + 1], pixels[p]]
            }
        }
        let png = try pixels.withUnsafeBytes { try PNG.encodeXRGB8888($0, width: width, height: height, stride: stride) }
        let fromMemory = try DecodedPNG(png)
        XCTAssertEqual(fromMemory.width, width)
        XCTAssertEqual(fromMemory.height, height)
        XCTAssertTrue(fromMemory.rgb == expected, "pixels differ after encoding in memory and decoding")

        let file = scratch.appendingPathComponent("noise.png").path
        try pixels.withUnsafeBytes { try PNG.writeXRGB8888($0, width: width, height: height, stride: stride, to: file) }
        let fromFile = try DecodedPNG(contentsOf: file)
        XCTAssertEqual(fromFile.width, width)
        XCTAssertEqual(fromFile.height, height)
        XCTAssertTrue(fromFile.isEightBitRGB, "format \(fromFile.fileFormat)")
        XCTAssertTrue(fromFile.rgb == expected, "pixels differ after writing the file and decoding it")
    }

    /// A screen like `--snapshot` saves: 1024x768, vivid-like 75% colour bars
    /// over three quarters, a grey ramp below. The hand-written encoder this
    /// replaced stored it uncompressed (2.3 MB, 75% of width * height * 4).
    func testColourBarsCompressWell() throws {
        let width = 1024, height = 768, stride = width * 4
        let bars: [(UInt8, UInt8, UInt8)] = [(191, 191, 191), (191, 191, 0), (0, 191, 191), (0, 191, 0),
                                             (191, 0, 191), (191, 0, 0), (0, 0, 191), (0, 0, 0)]
        var pixels = [UInt8](repeating: 0, count: stride * height)
        var expected = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let grey = UInt8(x * 255 / (width - 1))
                let (r, g, b) = y < height * 3 / 4 ? bars[x * bars.count / width] : (grey, grey, grey)
                let p = y * stride + x * 4, e = (y * width + x) * 3
                pixels[p] = b
                pixels[p + 1] = g
                pixels[p + 2] = r
                pixels[p + 3] = UInt8(truncatingIfNeeded: x ^ y)  // X: undefined, must not matter
                (expected[e], expected[e + 1], expected[e + 2]) = (r, g, b)
            }
        }
        let png = try pixels.withUnsafeBytes { try PNG.encodeXRGB8888($0, width: width, height: height, stride: stride) }
        let raw = width * height * 4
        // libpng 1.6.39 (Debian 12) makes 4,084 bytes of it; 1% of raw
        // (31,457) leaves a wide margin for other zlib builds.
        XCTAssertLessThan(png.count, raw / 100, "\(png.count) bytes; raw XRGB8888 is \(raw)")
        let decoded = try DecodedPNG(png)
        XCTAssertEqual(decoded.width, width)
        XCTAssertEqual(decoded.height, height)
        XCTAssertTrue(decoded.rgb == expected, "colour bars differ after the round trip")
    }

    func testUnwritablePathNamesThePathAndTheCause() throws {
        let pixels = [UInt8](repeating: 0x80, count: 4 * 4 * 4)
        let missingFolder = scratch.appendingPathComponent("missing/screen.png").path
        XCTAssertThrowsError(try pixels.withUnsafeBytes { try PNG.writeXRGB8888($0, width: 4, height: 4, stride: 16, to: missingFolder) }) { error in
            XCTAssertEqual(error as? PNGError, PNGError(path: missingFolder, reason: "No such file or directory", category: .deviceFailed))
            XCTAssertEqual("\(error)", "\(missingFolder): cannot write the PNG: No such file or directory")
        }
        let folder = scratch.path
        XCTAssertThrowsError(try pixels.withUnsafeBytes { try PNG.writeXRGB8888($0, width: 4, height: 4, stride: 16, to: folder) }) { error in
            XCTAssertEqual("\(error)", "\(folder): cannot write the PNG: Is a directory")
            XCTAssertEqual((error as? UserFacingError)?.category, .deviceFailed)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: missingFolder))
    }

    /// Geometry that does not fit the pixels is an error, never a trap or a
    /// read past the buffer.
    func testGeometryThatDoesNotFitIsAnError() throws {
        let pixels = [UInt8](repeating: 0, count: 64)
        for (width, height, stride) in [(0, 4, 16), (4, 0, 16), (4, 4, 12), (4, 5, 16), (5, 4, 20), (-1, 4, 16), (4, 4, Int.max)] {
            XCTAssertThrowsError(try pixels.withUnsafeBytes { try PNG.encodeXRGB8888($0, width: width, height: height, stride: stride) },
                                 "\(width)x\(height) stride \(stride)") { error in
                XCTAssertEqual((error as? PNGError)?.category, .internalError)
                XCTAssertEqual((error as? PNGError)?.path, nil)
            }
        }
        let file = scratch.appendingPathComponent("short.png").path
        XCTAssertThrowsError(try pixels.withUnsafeBytes { try PNG.writeXRGB8888($0, width: 4, height: 5, stride: 16, to: file) }) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(file): cannot write the PNG: "), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: file))
    }
}
