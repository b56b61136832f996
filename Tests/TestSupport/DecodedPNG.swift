import CPNG
import Foundation
import KMS
import Platform

/// A PNG read back by libpng (its simplified `png_image` API, as framepipe
/// writes them), so that tests compare what any PNG reader would see with
/// the pixels that went in.
public struct DecodedPNG: Equatable, Sendable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// The file's own format as libpng describes it (`PNG_FORMAT_RGB` for
    /// 8-bit RGB without alpha, what framepipe writes).
    public let fileFormat: UInt32
    /// The pixels as R, G, B bytes, `width * 3` bytes per row, top row first.
    public let rgb: [UInt8]

    /// Decodes PNG bytes to 8-bit RGB.
    public init(_ png: [UInt8]) throws {
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        let decoded = try png.withUnsafeBytes { bytes -> (Int, Int, UInt32, [UInt8]) in
            guard png_image_begin_read_from_memory(&image, bytes.baseAddress, bytes.count) != 0 else {
                throw PNGDecodeError(description: "png_image_begin_read_from_memory: \(Self.message(image))")
            }
            let fileFormat = image.format
            let width = Int(image.width), height = Int(image.height)
            image.format = png_uint_32(PNG_FORMAT_RGB)
            var rgb = [UInt8](repeating: 0, count: width * height * 3)
            let finished = rgb.withUnsafeMutableBytes {
                png_image_finish_read(&image, nil, $0.baseAddress, png_int_32(width * 3), nil)
            }
            guard finished != 0 else {
                throw PNGDecodeError(description: "png_image_finish_read: \(Self.message(image))")
            }
            return (width, height, fileFormat, rgb)
        }
        width = decoded.0
        height = decoded.1
        fileFormat = decoded.2
        rgb = decoded.3
    }

    /// Decodes the PNG file at `path`.
    public init(contentsOf path: String) throws {
        try self.init(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    }

    /// Whether the file is 8-bit RGB without alpha (libpng's
    /// `PNG_FORMAT_RGB`), as framepipe writes it.
    public var isEightBitRGB: Bool { fileFormat == png_uint_32(PNG_FORMAT_RGB) }

    /// The pixels as a writeback snapshot would hold them (XRGB8888: bytes
    /// B, G, R, 0xff; no padding), for comparisons written for the screen.
    public var xrgb8888Snapshot: WritebackSnapshot {
        var bytes = [UInt8](repeating: 0xff, count: width * height * 4)
        for pixel in 0..<width * height {
            bytes[pixel * 4] = rgb[pixel * 3 + 2]
            bytes[pixel * 4 + 1] = rgb[pixel * 3 + 1]
            bytes[pixel * 4 + 2] = rgb[pixel * 3]
        }
        return WritebackSnapshot(width: width, height: height, stride: width * 4, format: FourCC(rawValue: 0x3432_5258) /* XR24 */,
                                 bytes: bytes, sequence: nil, timestampNanoseconds: nil)
    }

    private static func message(_ image: png_image) -> String {
        withUnsafeBytes(of: image.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}

/// libpng could not read a PNG; the message is libpng's.
public struct PNGDecodeError: Error, CustomStringConvertible {
    /// Which call failed and libpng's message.
    public let description: String
}
