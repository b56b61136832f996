import CYUV
import Platform

/// Converts camera frames of one format and size to XRGB8888 (libyuv's
/// ARGB: bytes B, G, R, X in memory, which is DRM's little-endian
/// XRGB8888), scaled to the output size when that differs (ARGBScale,
/// bilinear). Everything a frame needs is allocated here, once: converting
/// allocates nothing.
///
/// Not thread-safe: one converter per queue.
public final class FrameConverter {
    /// The camera's format.
    public let format: ConvertibleFormat
    /// The camera's frame size.
    public let width: Int, height: Int
    /// The first plane's bytes per line in the camera's buffer.
    public let bytesPerLine: Int
    /// The converted frame's size.
    public let outputWidth: Int, outputHeight: Int
    /// Bytes a raw frame must hold (0 for MJPEG, whose size varies).
    public let frameBytes: Int

    private let planes: [(offset: Int, stride: Int)]
    /// Full-size ARGB when the output is scaled; U and V planes for NV16.
    private let scratch: UnsafeMutableRawBufferPointer?
    private let chroma: UnsafeMutableRawBufferPointer?

    /// A converter for `format` frames of `width` x `height` whose first
    /// plane has `bytesPerLine` (0: packed, the format's natural stride),
    /// to XRGB8888 of `outputWidth` x `outputHeight` (default: the same).
    ///
    /// - Throws: ``ConversionError/badSize(width:height:)`` for an empty or
    ///   huge size.
    public init(
        format: ConvertibleFormat, width: Int, height: Int, bytesPerLine: Int = 0,
        outputWidth: Int? = nil, outputHeight: Int? = nil
    ) throws(ConversionError) {
        let outputWidth = outputWidth ?? width
        let outputHeight = outputHeight ?? height
        let limit = 16384
        guard (1...limit).contains(width), (1...limit).contains(height),
              (1...limit).contains(outputWidth), (1...limit).contains(outputHeight) else {
            throw ConversionError.badSize(width: width, height: height)
        }
        let natural: Int
        switch format {
        case .yuyv, .uyvy, .rgb565: natural = width * 2
        case .rgb24, .bgr24: natural = width * 3
        case .nv12, .nv21, .nv16, .yu12, .mjpeg: natural = width
        }
        let stride = max(bytesPerLine, natural)
        self.format = format
        self.width = width
        self.height = height
        self.bytesPerLine = stride
        self.outputWidth = outputWidth
        self.outputHeight = outputHeight
        let layout = format.contiguousLayout(width: width, height: height, bytesPerLine: stride)
        planes = layout.planes
        frameBytes = layout.bytes
        scratch = (outputWidth, outputHeight) == (width, height)
            ? nil : UnsafeMutableRawBufferPointer.allocate(byteCount: width * height * 4, alignment: 64)
        chroma = format == .nv16
            ? UnsafeMutableRawBufferPointer.allocate(byteCount: (width + 1) / 2 * height * 2, alignment: 64) : nil
    }

    deinit {
        scratch?.deallocate()
        chroma?.deallocate()
    }

    /// Converts `frame` (the bytes the camera filled: `bytesused`) into
    /// `destination`, `destinationStride` bytes per line, at least
    /// ``outputHeight`` lines of ``outputWidth`` pixels.
    ///
    /// - Throws: ``ConversionError/frameTooShort(bytes:needed:)``, or
    ///   ``ConversionError/libyuvFailed(function:result:)`` for a frame libyuv
    ///   refuses (a corrupt JPEG): count it and skip the frame.
    public func convert(_ frame: UnsafeRawBufferPointer, into destination: UnsafeMutableRawPointer, destinationStride: Int) throws(ConversionError) {
        guard let base = frame.baseAddress?.assumingMemoryBound(to: UInt8.self), frame.count >= max(frameBytes, 1) else {
            throw ConversionError.frameTooShort(bytes: frame.count, needed: max(frameBytes, 1))
        }
        let target = scratch?.baseAddress ?? destination
        let targetStride = scratch == nil ? destinationStride : width * 4
        let argb = target.assumingMemoryBound(to: UInt8.self)
        let w = Int32(width), h = Int32(height), out = Int32(targetStride)
        func plane(_ index: Int) -> (UnsafePointer<UInt8>, Int32) {
            (UnsafePointer(base + planes[index].offset), Int32(planes[index].stride))
        }
        let result: Int32
        let function: String
        switch format {
        case .yuyv:
            (function, result) = ("YUY2ToARGB", YUY2ToARGB(base, Int32(bytesPerLine), argb, out, w, h))
        case .uyvy:
            (function, result) = ("UYVYToARGB", UYVYToARGB(base, Int32(bytesPerLine), argb, out, w, h))
        case .rgb565:
            (function, result) = ("RGB565ToARGB", RGB565ToARGB(base, Int32(bytesPerLine), argb, out, w, h))
        case .rgb24:
            (function, result) = ("RAWToARGB", RAWToARGB(base, Int32(bytesPerLine), argb, out, w, h))
        case .bgr24:
            (function, result) = ("RGB24ToARGB", RGB24ToARGB(base, Int32(bytesPerLine), argb, out, w, h))
        case .nv12:
            let (y, ys) = plane(0), (uv, uvs) = plane(1)
            (function, result) = ("NV12ToARGB", NV12ToARGB(y, ys, uv, uvs, argb, out, w, h))
        case .nv21:
            let (y, ys) = plane(0), (vu, vus) = plane(1)
            (function, result) = ("NV21ToARGB", NV21ToARGB(y, ys, vu, vus, argb, out, w, h))
        case .yu12:
            let (y, ys) = plane(0), (u, us) = plane(1), (v, vs) = plane(2)
            (function, result) = ("I420ToARGB", I420ToARGB(y, ys, u, us, v, vs, argb, out, w, h))
        case .nv16:
            guard let split = chroma?.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
                throw ConversionError.badSize(width: width, height: height)
            }
            let (y, ys) = plane(0), (uv, uvs) = plane(1)
            let half = Int32((width + 1) / 2)
            let v = split + Int(half) * height
            SplitUVPlane(uv, uvs, split, half, v, half, half, h)
            (function, result) = ("I422ToARGB", I422ToARGB(y, ys, split, half, v, half, argb, out, w, h))
        case .mjpeg:
            // The header first: a JPEG of another size (or none) is refused
            // before the decoder writes a single line.
            var jpegWidth: Int32 = 0, jpegHeight: Int32 = 0
            let sized = MJPGSize(base, frame.count, &jpegWidth, &jpegHeight)
            guard sized == 0, jpegWidth == w, jpegHeight == h else {
                throw ConversionError.libyuvFailed(function: "MJPGSize", result: sized != 0 ? sized : -1)
            }
            (function, result) = ("MJPGToARGB", MJPGToARGB(base, frame.count, argb, out, w, h, w, h))
        }
        guard result == 0 else { throw ConversionError.libyuvFailed(function: function, result: result) }
        if let scratch, let source = scratch.baseAddress?.assumingMemoryBound(to: UInt8.self) {
            let scaled = ARGBScale(
                source, Int32(width * 4), w, h, destination.assumingMemoryBound(to: UInt8.self), Int32(destinationStride),
                Int32(outputWidth), Int32(outputHeight), kFilterBilinear)
            guard scaled == 0 else { throw ConversionError.libyuvFailed(function: "ARGBScale", result: scaled) }
        }
    }
}
