import CPNG
import Platform

/// Screen snapshots as PNG: 8-bit RGB, no interlace, zlib-compressed by
/// libpng (Debian's `libpng-dev`). Only libpng's simplified API
/// (`png_image`) is used: it reports a failure in `png_image.message`
/// instead of the classic API's `longjmp`, which Swift frames cannot
/// survive. Every failure becomes a ``PNGError``; nothing here traps on a
/// bad argument.
package enum PNG {
    /// Encodes `height` rows of XRGB8888 pixels (memory bytes B, G, R, X),
    /// `stride` bytes apart, as a compressed RGB PNG in memory (the X bytes
    /// are dropped).
    /// - Throws: ``PNGError`` (without a path) when the geometry does not
    ///   fit `pixels` or libpng fails.
    package static func encodeXRGB8888(_ pixels: UnsafeRawBufferPointer, width: Int, height: Int, stride: Int) throws -> [UInt8] {
        let rgb = try packedRGB(pixels, width: width, height: height, stride: stride, path: nil)
        var capacity = sizeBound(rgbBytes: rgb.count, height: height)
        while true {
            var image = rgbImage(width: width, height: height)
            var png = [UInt8](repeating: 0, count: capacity)
            var size = png_alloc_size_t(capacity)
            let written = png.withUnsafeMutableBytes { out in
                rgb.withUnsafeBytes { png_image_write_to_memory(&image, out.baseAddress, &size, 0, $0.baseAddress, 0, nil) }
            }
            if written != 0 {
                png.removeSubrange(Int(size)...)
                return png
            }
            // A failure that reports more bytes than there was room for
            // only means the buffer was too small (the bound is generous;
            // this is for a zlib that does worse than zlib's own bound):
            // libpng counted what it needs, so go again with that.
            guard Int(size) > capacity else {
                throw PNGError(path: nil, reason: failure(of: image), category: .internalError)
            }
            capacity = Int(size)
        }
    }

    /// Writes `height` rows of XRGB8888 pixels (memory bytes B, G, R, X),
    /// `stride` bytes apart, to the file at `path` (created, or replaced)
    /// as a compressed RGB PNG. libpng removes a file it could not finish.
    /// - Throws: ``PNGError`` naming `path` and what failed: the file could
    ///   not be opened or written (libpng's message is the system's, e.g.
    ///   "No such file or directory"), or the geometry does not fit `pixels`.
    package static func writeXRGB8888(_ pixels: UnsafeRawBufferPointer, width: Int, height: Int, stride: Int, to path: String) throws {
        let rgb = try packedRGB(pixels, width: width, height: height, stride: stride, path: path)
        var image = rgbImage(width: width, height: height)
        let written = rgb.withUnsafeBytes { png_image_write_to_file(&image, path, 0, $0.baseAddress, 0, nil) }
        guard written != 0 else {
            throw PNGError(path: path, reason: failure(of: image), category: .deviceFailed)
        }
    }

    /// The pixels as packed R, G, B rows (libpng's `PNG_FORMAT_RGB`), after
    /// checking that `width` x `height` at `stride` lies inside `pixels`.
    static func packedRGB(_ pixels: UnsafeRawBufferPointer, width: Int, height: Int, stride: Int, path: String?) throws -> [UInt8] {
        // libpng addresses a row with a 32-bit signed stride.
        let limit = Int(Int32.max) / 4
        guard width > 0, height > 0, width <= limit, height <= limit, stride >= width * 4 else {
            throw PNGError(path: path, reason: "bad geometry \(width)x\(height), stride \(stride) (need a positive size and at least 4 bytes per pixel)",
                           category: .internalError)
        }
        let (lastRowStart, overflow) = stride.multipliedReportingOverflow(by: height - 1)
        guard !overflow, pixels.count - width * 4 >= lastRowStart else {
            throw PNGError(path: path, reason: "\(width)x\(height) pixels at stride \(stride) need more than the \(pixels.count) bytes given",
                           category: .internalError)
        }
        var rgb = [UInt8](repeating: 0, count: width * height * 3)
        rgb.withUnsafeMutableBufferPointer { out in
            var target = 0
            for y in 0..<height {
                var source = y * stride
                for _ in 0..<width {
                    out[target] = pixels[source + 2]
                    out[target + 1] = pixels[source + 1]
                    out[target + 2] = pixels[source]
                    source += 4
                    target += 3
                }
            }
        }
        return rgb
    }

    /// More than libpng can write for `rgbBytes` of pixels in `height` rows:
    /// the filter byte per row, deflate's worst case (stored blocks),
    /// 12 bytes for each IDAT chunk of at most 8 KiB, and the fixed chunks.
    static func sizeBound(rgbBytes: Int, height: Int) -> Int {
        let filtered = rgbBytes + height
        let deflated = filtered + (filtered + 7) / 8 + (filtered + 63) / 64 + 11
        return deflated + 12 * (deflated / 8192 + 1) + 1024
    }

    /// A `png_image` describing packed 8-bit RGB pixels, ready to write.
    static func rgbImage(width: Int, height: Int) -> png_image {
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        image.width = png_uint_32(width)
        image.height = png_uint_32(height)
        image.format = png_uint_32(PNG_FORMAT_RGB)
        return image
    }

    /// libpng's message from a failed call (a NUL-terminated `char[64]`).
    static func failure(of image: png_image) -> String {
        let text = withUnsafeBytes(of: image.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return text.isEmpty ? "libpng failed without a message" : text
    }
}
