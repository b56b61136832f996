import Pipeline
import Platform
import V4L2
import XCTest

final class FramebufferPlanesTests: XCTestCase {
    private func format(_ code: String) throws -> PixelFormat { try XCTUnwrap(PixelFormat.forV4L2(try XCTUnwrap(FourCC(code)))) }

    func testPackedUsesPitchAndDataOffset() throws {
        let planes = colourPlaneLocations(of: try format("XR24"), height: 480,
                                          memoryPlanes: [CapturePlaneFormat(bytesPerLine: 2560, sizeImage: 2560 * 480)], dataOffsets: [64])
        XCTAssertEqual(planes, [ColourPlaneLocation(memoryPlane: 0, offset: 64, pitch: 2560)])
    }

    func testContiguousNV12ChromaFollowsLuma() throws {
        let planes = colourPlaneLocations(of: try format("NV12"), height: 480,
                                          memoryPlanes: [CapturePlaneFormat(bytesPerLine: 640, sizeImage: 640 * 720)], dataOffsets: [0])
        XCTAssertEqual(planes, [ColourPlaneLocation(memoryPlane: 0, offset: 0, pitch: 640),
                                ColourPlaneLocation(memoryPlane: 0, offset: 640 * 480, pitch: 640)])
    }

    func testNV24ChromaIsTwiceAsWide() throws {
        let planes = colourPlaneLocations(of: try format("NV24"), height: 2,
                                          memoryPlanes: [CapturePlaneFormat(bytesPerLine: 8, sizeImage: 48)], dataOffsets: [])
        XCTAssertEqual(planes?.last, ColourPlaneLocation(memoryPlane: 0, offset: 16, pitch: 16))
    }

    func testYUV420ThreePlanes() throws {
        let planes = colourPlaneLocations(of: try format("YU12"), height: 480,
                                          memoryPlanes: [CapturePlaneFormat(bytesPerLine: 640, sizeImage: 640 * 720)], dataOffsets: [0])
        XCTAssertEqual(planes, [ColourPlaneLocation(memoryPlane: 0, offset: 0, pitch: 640),
                                ColourPlaneLocation(memoryPlane: 0, offset: 307_200, pitch: 320),
                                ColourPlaneLocation(memoryPlane: 0, offset: 307_200 + 76_800, pitch: 320)])
    }

    func testSeparateMemoryPlanesEachOwnDmaBuf() throws {
        let planes = colourPlaneLocations(of: try format("NM12"), height: 480,
                                          memoryPlanes: [CapturePlaneFormat(bytesPerLine: 640, sizeImage: 307_200),
                                                         CapturePlaneFormat(bytesPerLine: 640, sizeImage: 153_600)],
                                          dataOffsets: [0, 128])
        XCTAssertEqual(planes, [ColourPlaneLocation(memoryPlane: 0, offset: 0, pitch: 640),
                                ColourPlaneLocation(memoryPlane: 1, offset: 128, pitch: 640)])
        XCTAssertNil(colourPlaneLocations(of: try format("NM12"), height: 480,
                                          memoryPlanes: [CapturePlaneFormat(bytesPerLine: 640, sizeImage: 307_200)], dataOffsets: [0]),
                     "NV12M with one memory plane is inconsistent")
    }
}
