import KMS
import Pipeline
import Platform
import XCTest

/// Several cameras on one screen (issue 12): the presets' geometry.
final class LayoutPresetTests: XCTestCase {
    private let vga = (width: 640, height: 480), hd = (width: 1280, height: 720)

    private func overlap(_ a: PixelRectangle, _ b: PixelRectangle) -> Bool {
        a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
    }

    func testGridOfFourVGACamerasOn1024x768IsFourQuarters() {
        let rectangles = LayoutPreset.grid.rectangles(frameSizes: Array(repeating: vga, count: 4), screenWidth: 1024, screenHeight: 768)
        XCTAssertEqual(rectangles, [
            PixelRectangle(x: 0, y: 0, width: 512, height: 384), PixelRectangle(x: 512, y: 0, width: 512, height: 384),
            PixelRectangle(x: 0, y: 384, width: 512, height: 384), PixelRectangle(x: 512, y: 384, width: 512, height: 384),
        ])
    }

    func testEveryPresetKeepsAspectRatiosInsideTheScreenWithoutOverlapExceptPictureInPicture() {
        for count in 1...8 {
            let sizes = (0..<count).map { $0 % 2 == 0 ? vga : hd }
            for preset in LayoutPreset.allCases {
                let rectangles = preset.rectangles(frameSizes: sizes, screenWidth: 1920, screenHeight: 1080)
                XCTAssertEqual(rectangles.count, count, "\(preset) \(count)")
                for (rectangle, size) in zip(rectangles, sizes) {
                    XCTAssertGreaterThan(rectangle.width, 0)
                    XCTAssertTrue(rectangle.x >= 0 && rectangle.y >= 0 && rectangle.x + rectangle.width <= 1920 && rectangle.y + rectangle.height <= 1080,
                                  "\(preset) \(count): \(rectangle) off screen")
                    XCTAssertEqual(Double(rectangle.width) / Double(rectangle.height), Double(size.width) / Double(size.height), accuracy: 0.02,
                                   "\(preset) \(count): aspect of \(rectangle)")
                    XCTAssertEqual(rectangle.width % 2, 0)
                }
                let others = preset == .pictureInPicture ? Array(rectangles.dropFirst()) : rectangles
                for i in others.indices { for j in others.indices where i < j {
                    XCTAssertFalse(overlap(others[i], others[j]), "\(preset) \(count): \(others[i]) overlaps \(others[j])")
                } }
            }
        }
    }

    func testPictureInPictureFillsTheScreenWithTheFirstAndPutsTheRestBottomRight() {
        let rectangles = LayoutPreset.pictureInPicture.rectangles(frameSizes: [hd, vga], screenWidth: 1920, screenHeight: 1080)
        XCTAssertEqual(rectangles[0], PixelRectangle(x: 0, y: 0, width: 1920, height: 1080))
        // A 4:3 inset in the bottom-right quarter-screen box (480x270), a
        // margin (30) from the right and the bottom: 360x270, centred in it.
        XCTAssertEqual(rectangles[1], PixelRectangle(x: 1920 - 30 - 480 + 60, y: 1080 - 30 - 270, width: 360, height: 270))
        XCTAssertEqual(LayoutPreset.sideBySide.rectangles(frameSizes: [], screenWidth: 1920, screenHeight: 1080), [])
        XCTAssertEqual(LayoutPreset(rawValue: "side-by-side"), .sideBySide)
        XCTAssertEqual(LayoutPreset(rawValue: "picture-in-picture"), .pictureInPicture)
    }
}
