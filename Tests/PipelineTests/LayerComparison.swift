import KMS
import Pipeline
import Platform
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// A composed screen against every source's buffer on screen: each
/// source's rectangle (less what a source above covers) must hold that
/// buffer's pixels exactly, and the screen outside every rectangle must be
/// black (the CRTC's other planes are off). Only for XR24 buffers on
/// unscaled planes; the buffers are mapped here, by the test, never by
/// the pipeline.
struct LayerComparison {
    var compared: [Int] = []
    var mismatches: [Int] = []
    var firstMismatch: [String?] = []
    var litOutside = 0
    var layouts: [PlaneLayout] = []
    /// Sources with nothing on screen (lost): their plane is off.
    var empty: [Bool] = []

    /// Freezes `pipeline` (on its queue, in `beforeTeardown`), reads the
    /// screen back and compares.
    static func take(_ pipeline: FramePipeline) throws -> LayerComparison {
        let shot = try pipeline.snapshot()
        var result = LayerComparison()
        var mapped: [(UnsafeRawBufferPointer, Int)?] = []
        defer {
            for case let (memory, _)? in mapped { munmap(UnsafeMutableRawPointer(mutating: memory.baseAddress), memory.count) }
        }
        for (index, layer) in shot.layers.enumerated() {
            result.layouts.append(layer.layout)
            result.empty.append(layer.bufferIndex == nil)
            guard let buffer = layer.bufferIndex else {
                mapped.append(nil)
                continue
            }
            let format = pipeline.sources[index].captureFormat
            guard ["XR24", "AR24"].contains(format.fourcc.description) else {
                throw ComparisonError(description: "the comparison reads 32-bit RGB; source \(index) negotiated \(format.fourcc)")
            }
            XCTAssertFalse(layer.layout.isScaled, "source \(index): pixel-exact comparison needs an unscaled plane; got \(layer.layout)")
            let fd = pipeline.dmaBufDescriptors(of: BufferIndex(buffer), source: index)[0]
            let pitch = Int(format.planes[0].bytesPerLine)
            let length = pitch * Int(format.height)
            guard let memory = mmap(nil, length, PROT_READ, MAP_SHARED, fd, 0), memory != MAP_FAILED else {
                throw ComparisonError(description: "mmap of source \(index)'s dma-buf failed: errno \(errno)")
            }
            mapped.append((UnsafeRawBufferPointer(start: memory, count: length), pitch))
        }
        result.compared = Array(repeating: 0, count: shot.layers.count)
        result.mismatches = result.compared
        result.firstMismatch = Array(repeating: nil, count: shot.layers.count)
        let screen = shot.screen
        for y in 0..<screen.height {
            for x in 0..<screen.width {
                let s = y * screen.stride + x * 4
                // The topmost layer whose rectangle holds the pixel.
                let top = result.layouts.indices.last { index in
                    let d = result.layouts[index].destination
                    guard !result.empty[index] else { return false }
                    return x >= d.x && x < d.x + d.width && y >= d.y && y < d.y + d.height
                }
                guard let top, let (camera, pitch) = mapped[top] else {
                    if screen.bytes[s] != 0 || screen.bytes[s + 1] != 0 || screen.bytes[s + 2] != 0 { result.litOutside += 1 }
                    continue
                }
                let layout = result.layouts[top]
                let row: Int = layout.source.y + y - layout.destination.y
                let column: Int = layout.source.x + x - layout.destination.x
                let c = row * pitch + column * 4
                result.compared[top] += 1
                if camera[c] != screen.bytes[s] || camera[c + 1] != screen.bytes[s + 1] || camera[c + 2] != screen.bytes[s + 2] {
                    result.mismatches[top] += 1
                    if result.firstMismatch[top] == nil {
                        result.firstMismatch[top] = "screen (\(x), \(y)) = \(screen.bytes[s...(s + 2)].map { $0 }), buffer = \((c...(c + 2)).map { camera[$0] })"
                    }
                }
            }
        }
        return result
    }

    /// Every source on screen matches its buffer in its whole visible
    /// rectangle (`visible[i]` pixels), and the rest is black.
    func assertExact(visible: [Int], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(compared, visible, "pixels compared per source in \(layouts.map(\.destination))", file: file, line: line)
        XCTAssertEqual(mismatches, Array(repeating: 0, count: mismatches.count),
                       "each rectangle holds its source's buffer; first: \(firstMismatch)", file: file, line: line)
        XCTAssertEqual(litOutside, 0, "the screen outside the sources' rectangles (and under lost ones) is black", file: file, line: line)
    }
}
