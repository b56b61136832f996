import Conversion
import Foundation
import Platform
import XCTest

/// libyuv's conversions as framepipe drives them: every convertible format,
/// strides, scaling, and MJPEG (good, 4:2:0 and 4:2:2, and corrupt).
final class FrameConverterTests: XCTestCase {
    private static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// Converts `frame` and returns the XRGB8888 bytes (B, G, R, X).
    private func convert(_ converter: FrameConverter, _ frame: [UInt8]) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: converter.outputWidth * converter.outputHeight * 4)
        try frame.withUnsafeBytes { input in
            try output.withUnsafeMutableBytes { out in
                guard let base = out.baseAddress else { return }
                try converter.convert(input, into: base, destinationStride: converter.outputWidth * 4)
            }
        }
        return output
    }

    /// A frame of one colour (Y, U, V) laid out as `format` stores it.
    private func solidYUV(_ format: ConvertibleFormat, width: Int, height: Int, bytesPerLine: Int, _ y: UInt8, _ u: UInt8, _ v: UInt8) -> [UInt8] {
        let layout = format.contiguousLayout(width: width, height: height, bytesPerLine: bytesPerLine)
        var frame = [UInt8](repeating: 0xAA, count: layout.bytes)  // 0xAA: padding that must not show
        func fill(plane: Int, rows: Int, columns: Int, _ pattern: [UInt8]) {
            let (offset, stride) = layout.planes[plane]
            for row in 0..<rows {
                for column in 0..<columns { frame[offset + row * stride + column] = pattern[column % pattern.count] }
            }
        }
        let halfW = (width + 1) / 2, halfH = (height + 1) / 2
        switch format {
        case .yuyv: fill(plane: 0, rows: height, columns: width * 2, [y, u, y, v])
        case .uyvy: fill(plane: 0, rows: height, columns: width * 2, [u, y, v, y])
        case .nv12: fill(plane: 0, rows: height, columns: width, [y]); fill(plane: 1, rows: halfH, columns: halfW * 2, [u, v])
        case .nv21: fill(plane: 0, rows: height, columns: width, [y]); fill(plane: 1, rows: halfH, columns: halfW * 2, [v, u])
        case .nv16: fill(plane: 0, rows: height, columns: width, [y]); fill(plane: 1, rows: height, columns: halfW * 2, [u, v])
        case .yu12:
            fill(plane: 0, rows: height, columns: width, [y])
            fill(plane: 1, rows: halfH, columns: halfW, [u])
            fill(plane: 2, rows: halfH, columns: halfW, [v])
        default: XCTFail("\(format) is not YUV")
        }
        return frame
    }

    func testEveryYUVFormatGivesBT601Colours() throws {
        // BT.601 limited range, as libyuv's *ToARGB use: Y 16..235, U/V
        // 16..240. Expected within 4 levels (8-bit fixed-point rounding of
        // the coefficients; red's V = 240 saturates R).
        let colours: [(name: String, yuv: (UInt8, UInt8, UInt8), rgb: (Int, Int, Int))] = [
            ("white", (235, 128, 128), (255, 255, 255)),
            ("black", (16, 128, 128), (0, 0, 0)),
            ("red", (81, 90, 240), (255, 0, 0)),
            ("green", (145, 54, 34), (0, 255, 0)),
            ("blue", (41, 240, 110), (0, 0, 255)),
        ]
        for format in [ConvertibleFormat.yuyv, .uyvy, .nv12, .nv21, .yu12, .nv16] {
            // A stride wider than the format needs: the padding must not show.
            let width = 8, height = 6, padded = 40
            let converter = try FrameConverter(format: format, width: width, height: height, bytesPerLine: padded)
            // A stride below the format's own is raised to it (YUYV, UYVY: 2
            // bytes a pixel; the planar formats' luma plane: 1).
            let natural = [ConvertibleFormat.yuyv, .uyvy].contains(format) ? 2 * width : width
            XCTAssertEqual(try FrameConverter(format: format, width: width, height: height, bytesPerLine: 1).bytesPerLine, natural, "\(format)")
            for colour in colours {
                let frame = solidYUV(format, width: width, height: height, bytesPerLine: padded, colour.yuv.0, colour.yuv.1, colour.yuv.2)
                let out = try convert(converter, frame)
                for pixel in stride(from: 0, to: out.count, by: 4) {
                    let (b, g, r, x) = (Int(out[pixel]), Int(out[pixel + 1]), Int(out[pixel + 2]), out[pixel + 3])
                    XCTAssertEqual(Double(r), Double(colour.rgb.0), accuracy: 4, "\(format) \(colour.name) R at \(pixel / 4)")
                    XCTAssertEqual(Double(g), Double(colour.rgb.1), accuracy: 4, "\(format) \(colour.name) G")
                    XCTAssertEqual(Double(b), Double(colour.rgb.2), accuracy: 4, "\(format) \(colour.name) B")
                    XCTAssertEqual(x, 255, "\(format): X is opaque")
                }
            }
        }
    }

    func testRGBFormatsMoveBytesExactly() throws {
        // One pixel R=200 G=100 B=50 in each order; XRGB8888 is B, G, R, X in memory.
        let rgb24 = try convert(try FrameConverter(format: .rgb24, width: 1, height: 1), [200, 100, 50])
        XCTAssertEqual(rgb24, [50, 100, 200, 255], "'RGB3' stores R, G, B")
        let bgr24 = try convert(try FrameConverter(format: .bgr24, width: 1, height: 1), [50, 100, 200])
        XCTAssertEqual(bgr24, [50, 100, 200, 255], "'BGR3' stores B, G, R")
        // RGB565 little-endian: pure red 0xF800, pure green 0x07E0, white 0xFFFF.
        let rgb565 = try convert(try FrameConverter(format: .rgb565, width: 3, height: 1), [0x00, 0xF8, 0xE0, 0x07, 0xFF, 0xFF])
        XCTAssertEqual(rgb565, [0, 0, 255, 255, 0, 255, 0, 255, 255, 255, 255, 255])
    }

    func testScalingToThePlannedSizeKeepsTheQuadrants() throws {
        // 64x64 'BGR3' in four colours, scaled to 32x16: each quadrant's
        // middle keeps its colour (bilinear blends only at the seams).
        let size = 64
        var frame = [UInt8](repeating: 0, count: size * size * 3)
        let quadrants: [[UInt8]] = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255]]  // B, G, R
        for y in 0..<size {
            for x in 0..<size {
                let colour = quadrants[(y < size / 2 ? 0 : 2) + (x < size / 2 ? 0 : 1)]
                frame.replaceSubrange((y * size + x) * 3..<(y * size + x) * 3 + 3, with: colour)
            }
        }
        let converter = try FrameConverter(format: .bgr24, width: size, height: size, outputWidth: 32, outputHeight: 16)
        let out = try convert(converter, frame)
        XCTAssertEqual(out.count, 32 * 16 * 4)
        for (index, (x, y)) in [(8, 4), (24, 4), (8, 12), (24, 12)].enumerated() {
            let pixel = (y * 32 + x) * 4
            XCTAssertEqual(Array(out[pixel..<pixel + 3]), quadrants[index], "quadrant \(index)")
        }
    }

    func testMJPEGDecodesToWhatLibjpegAndLibyuvGiveSeparately() throws {
        // Reference: the planes libjpeg decodes the file to (GStreamer's
        // jpegdec, I420, make-fixtures.sh) converted with libyuv's own
        // I420ToARGB. MJPGToARGB is libjpeg plus that conversion, so the
        // 4:2:0 files must match to the level. jpegdec gives 4:2:0 even for
        // the 4:2:2 file; there only the top two thirds (SMPTE's vertical
        // bars, where chroma does not change down a column) are compared.
        for (name, width, height, rows) in [
            ("smpte-64x48-420", 64, 48, 48), ("smpte-160x120-420", 160, 120, 120), ("smpte-320x240-422", 320, 240, 150),
        ] {
            let jpeg = [UInt8](try Data(contentsOf: Self.fixtures.appendingPathComponent(name + ".jpg")))
            let planes = [UInt8](try Data(contentsOf: Self.fixtures.appendingPathComponent(name + ".i420")))
            let out = try convert(try FrameConverter(format: .mjpeg, width: width, height: height), jpeg)
            let reference = try convert(try FrameConverter(format: .yu12, width: width, height: height), planes)
            XCTAssertEqual(out.count, width * height * 4, name)
            var worst = 0
            for index in 0..<(rows * width * 4) where index % 4 != 3 {
                worst = max(worst, abs(Int(out[index]) - Int(reference[index])))
            }
            XCTAssertLessThanOrEqual(worst, 1, "\(name): worst difference \(worst) levels")
        }
    }

    func testCorruptOrWrongMJPEGIsAnErrorNeverACrash() throws {
        let converter = try FrameConverter(format: .mjpeg, width: 320, height: 240)
        let corrupt = [UInt8](try Data(contentsOf: Self.fixtures.appendingPathComponent("corrupt-320x240.jpg")))
        XCTAssertThrowsError(try convert(converter, corrupt)) { error in
            guard case ConversionError.libyuvFailed = error else { return XCTFail("\(error)") }
        }
        // Not a JPEG at all, a JPEG of another size, and an empty frame.
        XCTAssertThrowsError(try convert(converter, [UInt8](repeating: 0x42, count: 5000)))
        let small = [UInt8](try Data(contentsOf: Self.fixtures.appendingPathComponent("smpte-64x48-420.jpg")))
        XCTAssertThrowsError(try convert(converter, small)) { error in
            XCTAssertEqual(error as? ConversionError, .libyuvFailed(function: "MJPGSize", result: -1))
        }
        XCTAssertThrowsError(try convert(converter, []))
        // The converter still works after refusing frames.
        let good = [UInt8](try Data(contentsOf: Self.fixtures.appendingPathComponent("smpte-320x240-422.jpg")))
        XCTAssertNoThrow(try convert(converter, good))
    }

    func testShortFramesAndOtherFormatsAreRefused() throws {
        let converter = try FrameConverter(format: .yuyv, width: 4, height: 2)
        XCTAssertEqual(converter.frameBytes, 16)
        XCTAssertThrowsError(try convert(converter, [UInt8](repeating: 0, count: 15))) { error in
            XCTAssertEqual(error as? ConversionError, .frameTooShort(bytes: 15, needed: 16))
        }
        XCTAssertNil(ConvertibleFormat(try XCTUnwrap(FourCC("BA81"))), "Bayer is not converted")
        XCTAssertEqual(ConvertibleFormat(try XCTUnwrap(FourCC("YUYV"))), .yuyv)
        XCTAssertEqual(
            ConversionError.unsupportedFormat(try XCTUnwrap(FourCC("BA81"))).description,
            "'BA81' cannot be converted; framepipe converts YUYV (YUYV 4:2:2), UYVY (UYVY 4:2:2), NV12 (NV12), NV21 (NV21), "
                + "YU12 (YUV420), NV16 (NV16), RGBP (RGB565), RGB3 (RGB24), BGR3 (BGR24), MJPG (MJPEG) to XRGB8888")
        XCTAssertThrowsError(try FrameConverter(format: .nv12, width: 0, height: 480))
    }
}
