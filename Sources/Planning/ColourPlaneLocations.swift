import Platform
import V4L2

/// Maps the colour planes of `format` onto a capture buffer's memory planes.
///
/// With one memory plane (contiguous formats such as NV12 or YUV420), the
/// chroma planes follow the luma plane inside the same buffer, at offsets
/// derived from the pitch and height as V4L2 defines for these formats. With
/// separate memory planes (NV12M), each colour plane is its own dma-buf.
/// `dataOffsets` are the per-memory-plane `data_offset` values the driver
/// reported (0 for most drivers).
package func colourPlaneLocations(
    of format: PixelFormat, height: UInt32, memoryPlanes: [CapturePlaneFormat], dataOffsets: [UInt32]
) -> [ColourPlaneLocation]? {
    guard let first = memoryPlanes.first else { return nil }
    func offset(_ plane: Int) -> UInt32 { dataOffsets.indices.contains(plane) ? dataOffsets[plane] : 0 }
    let count = format.layout.planeCount
    if format.separateMemoryPlanes {
        guard memoryPlanes.count >= count else { return nil }
        return (0..<count).map { ColourPlaneLocation(memoryPlane: $0, offset: offset($0), pitch: memoryPlanes[$0].bytesPerLine) }
    }
    let base = offset(0)
    let pitch = first.bytesPerLine
    switch format.layout {
    case .packed, .packedBits:
        return [ColourPlaneLocation(memoryPlane: 0, offset: base, pitch: pitch)]
    case .semiPlanar(let horizontal, _, _):
        // Interleaved chroma: same byte width as luma for 4:2:0/4:2:2 (two
        // bytes per two pixels), twice it for 4:4:4.
        let chromaPitch = pitch * 2 / UInt32(horizontal)
        return [ColourPlaneLocation(memoryPlane: 0, offset: base, pitch: pitch),
                ColourPlaneLocation(memoryPlane: 0, offset: base + pitch * height, pitch: chromaPitch)]
    case .planar(let horizontal, let vertical, _):
        let chromaPitch = pitch / UInt32(horizontal)
        let chromaHeight = height / UInt32(vertical)
        let first = base + pitch * height
        return [ColourPlaneLocation(memoryPlane: 0, offset: base, pitch: pitch),
                ColourPlaneLocation(memoryPlane: 0, offset: first, pitch: chromaPitch),
                ColourPlaneLocation(memoryPlane: 0, offset: first + chromaPitch * chromaHeight, pitch: chromaPitch)]
    }
}
