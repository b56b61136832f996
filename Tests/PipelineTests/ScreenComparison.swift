import Conversion
import KMS
import Pipeline
import Platform
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// The composed screen (read back through vkms's writeback connector)
/// compared with the capture buffer the pipeline had on it: inside the
/// plane's destination every pixel must be the buffer's pixel at the
/// matching place in the plane's source rectangle; outside it, black.
struct ScreenComparison {
    /// Pixels inside the destination compared with the buffer.
    var compared = 0
    /// Of those, how many differ (B, G or R; the X byte is undefined).
    var mismatches = 0
    /// Pixels outside the destination that are not black.
    var litOutside = 0
    /// The first differing pixel, for the failure message.
    var firstMismatch: String?
    /// Where the frame was, for the failure message.
    var layout: PlaneLayout

    /// Takes a snapshot and compares. Call from `beforeTeardown`. Only the
    /// test maps the dma-buf; the pipeline never does. `screen` turns the
    /// captured screen into what is compared: by default the screen
    /// itself, or e.g. the PNG `--snapshot` writes, read back.
    static func take(_ pipeline: FramePipeline,
                     screen: (WritebackSnapshot) throws -> WritebackSnapshot = { $0 }) throws -> ScreenComparison {
        let shot = try pipeline.snapshot()
        let format = pipeline.captureFormat
        guard ["XR24", "AR24"].contains(format.fourcc.description) else {
            throw ComparisonError(description: "the comparison reads 32-bit RGB; the pipeline negotiated \(format.fourcc)")
        }
        XCTAssertFalse(shot.layout.isScaled, "pixel-exact comparison needs an unscaled plane; got \(shot.layout)")
        let fd = try XCTUnwrap(pipeline.dmaBufDescriptors(of: shot.bufferIndex).first)
        let pitch = Int(format.planes[0].bytesPerLine)
        let length = pitch * Int(format.height)
        guard let memory = mmap(nil, length, PROT_READ, MAP_SHARED, fd, 0), memory != MAP_FAILED else {
            throw ComparisonError(description: "mmap of the capture dma-buf failed: errno \(errno)")
        }
        defer { munmap(memory, length) }
        return compare(camera: UnsafeRawBufferPointer(start: memory, count: length), pitch: pitch, screen: try screen(shot.screen), layout: shot.layout)
    }

    /// Takes a snapshot and compares it with what the copy path must show
    /// when every camera frame is the same picture: the camera's buffer 0
    /// converted by `converter` (libyuv) into a `bufferWidth` x
    /// `bufferHeight` image at `target`, the rest black. Call from
    /// `beforeTeardown`; only the test maps the camera's buffer.
    static func takeConverted(
        _ pipeline: FramePipeline, converter: FrameConverter, bufferWidth: Int, bufferHeight: Int, target: PixelPoint = PixelPoint(x: 0, y: 0)
    ) throws -> ScreenComparison {
        let shot = try pipeline.snapshot()
        let fd = try XCTUnwrap(pipeline.dmaBufDescriptors(of: BufferIndex(0)).first)
        let length = converter.frameBytes
        guard let memory = mmap(nil, length, PROT_READ, MAP_SHARED, fd, 0), memory != MAP_FAILED else {
            throw ComparisonError(description: "mmap of the camera's buffer failed: errno \(errno)")
        }
        defer { munmap(memory, length) }
        let pitch = bufferWidth * 4
        var reference = [UInt8](repeating: 0, count: pitch * bufferHeight)
        try reference.withUnsafeMutableBytes { out in
            guard let base = out.baseAddress else { return }
            try converter.convert(UnsafeRawBufferPointer(start: memory, count: length),
                                  into: base + target.y * pitch + target.x * 4, destinationStride: pitch)
        }
        return reference.withUnsafeBytes { compare(camera: $0, pitch: pitch, screen: shot.screen, layout: shot.layout) }
    }

    /// Compares `camera` (32-bit pixels, `pitch` bytes per line) with `screen`.
    static func compare(camera: UnsafeRawBufferPointer, pitch: Int, screen: WritebackSnapshot, layout: PlaneLayout) -> ScreenComparison {
        var result = ScreenComparison(layout: layout)
        let source = layout.source, destination = layout.destination
        for y in 0..<screen.height {
            for x in 0..<screen.width {
                let s = y * screen.stride + x * 4
                let inside = x >= destination.x && x < destination.x + destination.width
                    && y >= destination.y && y < destination.y + destination.height
                guard inside else {
                    if screen.bytes[s] != 0 || screen.bytes[s + 1] != 0 || screen.bytes[s + 2] != 0 { result.litOutside += 1 }
                    continue
                }
                let c = (source.y + y - destination.y) * pitch + (source.x + x - destination.x) * 4
                result.compared += 1
                if camera[c] != screen.bytes[s] || camera[c + 1] != screen.bytes[s + 1] || camera[c + 2] != screen.bytes[s + 2] {
                    result.mismatches += 1
                    if result.firstMismatch == nil {
                        result.firstMismatch = "screen (\(x), \(y)) = \(screen.bytes[s...(s + 2)].map { $0 }), buffer = \((c...(c + 2)).map { camera[$0] })"
                    }
                }
            }
        }
        return result
    }

    /// Asserts the frame is where the plan put it, pixel for pixel, with
    /// `expectedPixels` compared, and (when `restBlack`) nothing outside it.
    func assertExact(expectedPixels: Int, restBlack: Bool = true, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(compared, expectedPixels, "pixels inside \(layout.destination)", file: file, line: line)
        XCTAssertEqual(mismatches, 0, "screen pixels equal the on-screen buffer's in \(layout); first: \(firstMismatch ?? "-")", file: file, line: line)
        if restBlack {
            XCTAssertEqual(litOutside, 0, "the screen outside \(layout.destination) is black", file: file, line: line)
        }
    }
}

/// Why a screen comparison could not be made.
struct ComparisonError: Error, CustomStringConvertible {
    let description: String
}
