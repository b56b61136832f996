import Foundation
import KMS
import Pipeline
import Platform
import TestSupport
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// A second KMS driver: qemu's emulated Cirrus VGA (`scripts/lab --gpu
/// cirrus`, the lab boot 'fit'), whose one plane must cover the CRTC and
/// which has no writeback connector. Its driver copies each new
/// framebuffer into the card's VRAM on the commit; the test maps the VRAM
/// (PCI BAR 0; the lab boots with iomem=relaxed for this) and compares it
/// with the capture buffer on screen: what the emulated monitor shows.
final class CirrusDeviceTests: XCTestCase {
    /// The cirrus card's node and its sysfs device directory.
    private func cirrusCard() throws -> (path: String, sysfs: String) {
        for name in try FileManager.default.contentsOfDirectory(atPath: "/sys/class/drm") where name.hasPrefix("card") && !name.contains("-") {
            let driver = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/sys/class/drm/\(name)/device/driver")) ?? ""
            if driver.hasSuffix("/cirrus") { return ("/dev/dri/\(name)", "/sys/class/drm/\(name)/device") }
        }
        throw ComparisonError(description: "no DRM card driven by cirrus in /sys/class/drm (scripts/lab --gpu cirrus)")
    }

    func testTheFrameIsInTheCardsVRAMAtAModeOfItsSize() throws {
        try Lab.require(boot: "fit", "qemu -device cirrus-vga, driver cirrus")
        let card = try cirrusCard()
        let screenBefore = try ScreenState.current(card: card.path)
        var configuration = try PipelineConfiguration.load(path: repositoryRoot.appendingPathComponent("configs/vivid-vkms.json").path)
        configuration.sink.card = card.path
        var vramMismatches = -1
        var compared = 0
        do {
            let pipeline = try FramePipeline(configuration: configuration)
            let plan = pipeline.displayPlan
            XCTAssertNil(plan.writeback, "cirrus has no writeback connector")
            XCTAssertEqual(plan.modeChoice, .frameSize, pipeline.plan.explanation)
            XCTAssertEqual("\(plan.mode.width)x\(plan.mode.height)", "640x480")
            XCTAssertEqual(plan.placement, .unscaled)
            XCTAssertEqual(pipeline.plan.rejected.count, 2, "centred and scaled on 1024x768 refused first: \(pipeline.plan.explanation)")
            let summary = try pipeline.run(frames: 20, beforeTeardown: { pipeline in
                try pipeline.withFrameOnScreen { index in
                    (vramMismatches, compared) = try Self.compareVRAM(card.sysfs, with: pipeline, buffer: index)
                }
            })
            XCTAssertGreaterThanOrEqual(summary.statistics.shown, 20)
            XCTAssertEqual(summary.statistics.flips, summary.statistics.shown, "a flip event for every frame shown")
            XCTAssertEqual(summary.poolViolations, [])
        }
        XCTAssertEqual(compared, 640 * 480)
        XCTAssertEqual(vramMismatches, 0, "VRAM holds the on-screen capture buffer's pixels")
        XCTAssertEqual(try ScreenState.current(card: card.path), screenBefore, "the card is left as it was found")
    }

    /// Compares VRAM (the framebuffer's pitch, from offset 0: cirrus scans
    /// out from the start of VRAM) with capture buffer `index`.
    private static func compareVRAM(_ sysfs: String, with pipeline: FramePipeline, buffer index: BufferIndex) throws -> (Int, Int) {
        let format = pipeline.captureFormat
        let pitch = Int(format.planes[0].bytesPerLine), width = Int(format.width), height = Int(format.height)
        let length = pitch * height
        let vramFD = open("\(sysfs)/resource0", O_RDONLY)
        guard vramFD >= 0 else { throw ComparisonError(description: "\(sysfs)/resource0: open failed: errno \(errno)") }
        defer { close(vramFD) }
        guard let vram = mmap(nil, length, PROT_READ, MAP_SHARED, vramFD, 0), vram != MAP_FAILED else {
            throw ComparisonError(description: "\(sysfs)/resource0: mmap failed: errno \(errno) (the lab boots with iomem=relaxed)")
        }
        defer { munmap(vram, length) }
        let fd = try XCTUnwrap(pipeline.dmaBufDescriptors(of: index).first)
        guard let frame = mmap(nil, length, PROT_READ, MAP_SHARED, fd, 0), frame != MAP_FAILED else {
            throw ComparisonError(description: "mmap of the capture dma-buf failed: errno \(errno)")
        }
        defer { munmap(frame, length) }
        let screen = UnsafeRawBufferPointer(start: vram, count: length), camera = UnsafeRawBufferPointer(start: frame, count: length)
        var mismatches = 0
        for y in 0..<height {
            for x in 0..<width {
                let offset = y * pitch + x * 4
                if screen[offset] != camera[offset] || screen[offset + 1] != camera[offset + 1] || screen[offset + 2] != camera[offset + 2] {
                    mismatches += 1
                }
            }
        }
        return (mismatches, width * height)
    }
}
