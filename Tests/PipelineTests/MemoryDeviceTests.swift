import Foundation
import KMS
import Pipeline
import Platform
import TestSupport
import XCTest

/// Who allocates the frames, in the lab's default boot (vivid `n_devs=2
/// multiplanar=1,2`, vkms `enable_overlay=1`, the lab's dma-buf heaps):
/// the display's dumb buffers queued into vivid's single- and multiplanar
/// nodes, and the system heap's buffers imported on both sides. Whoever
/// allocates, the frame on screen is pixel-exact, the pipeline maps no
/// frame memory, and the pool never requeues a buffer on screen.
final class MemoryDeviceTests: XCTestCase {
    private func configuration(_ name: String, memory: MemoryRequest) throws -> PipelineConfiguration {
        var configuration = try PipelineConfiguration.load(path: repositoryRoot.appendingPathComponent("configs/\(name)").path)
        configuration.source.memory = memory
        return configuration
    }

    /// Runs 30 frames and checks what every allocator must give.
    private func assertZeroCopyPreview(
        _ configuration: PipelineConfiguration, memory: String, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let descriptorsBefore = try ProcessResources.descriptorCount()
        let screenBefore = try ScreenState.current()
        var mappings: [String]?
        var comparison: ScreenComparison?
        do {
            let pipeline = try FramePipeline(configuration: configuration)
            XCTAssertEqual(pipeline.plan.chosen?.memory, memory, pipeline.plan.explanation, file: file, line: line)
            let summary = try pipeline.run(frames: 30, beforeTeardown: { pipeline in
                mappings = try ProcessResources.frameMappings()
                comparison = try ScreenComparison.take(pipeline)
            })
            XCTAssertEqual(summary.memory, memory, file: file, line: line)
            XCTAssertTrue(summary.plan.hasPrefix("plan: \(memory), "), summary.plan, file: file, line: line)
            XCTAssertGreaterThanOrEqual(summary.statistics.shown, 30, file: file, line: line)
            XCTAssertEqual(summary.poolViolations, [], "no buffer was requeued while on screen", file: file, line: line)
            XCTAssertEqual(summary.framebuffersFromCaptureBuffers, summary.bufferCount, "one framebuffer per buffer", file: file, line: line)
            XCTAssertEqual(mappings, [], "zero-copy: no frame memory mapped by the pipeline", file: file, line: line)
            let width = Int(pipeline.captureFormat.width), height = Int(pipeline.captureFormat.height)
            try XCTUnwrap(comparison, file: file, line: line).assertExact(expectedPixels: width * height, file: file, line: line)
        }
        XCTAssertEqual(try ScreenState.current(), screenBefore, "the display is left as it was found", file: file, line: line)
        XCTAssertEqual(try ProcessResources.descriptorCount(settlingAt: descriptorsBefore), descriptorsBefore, "every fd closed", file: file, line: line)
    }

    func testDisplayMemoryIntoTheSinglePlanarNode() throws {
        try Lab.require()
        try assertZeroCopyPreview(try configuration("vivid-vkms.json", memory: .display), memory: "display memory")
    }

    func testDisplayMemoryIntoTheMultiplanarNode() throws {
        try Lab.require()
        let configuration = try configuration("vivid-mplane-vkms.json", memory: .display)
        XCTAssertEqual(configuration.source.device, "/dev/video4")
        try assertZeroCopyPreview(configuration, memory: "display memory")
    }

    func testSystemHeapMemory() throws {
        try Lab.require()
        XCTAssertTrue(FileManager.default.fileExists(atPath: "/dev/dma_heap/system"), "the lab loads its dma-buf heaps")
        try assertZeroCopyPreview(try configuration("vivid-vkms.json", memory: .heap("system")), memory: "heap system")
    }

    /// `auto` takes the camera's memory first when the display imports it.
    func testAutomaticMemoryPrefersTheCamera() throws {
        try Lab.require()
        try assertZeroCopyPreview(try configuration("vivid-vkms.json", memory: .automatic), memory: "camera memory")
    }

    /// A heap that does not exist is named, with what exists.
    func testAMissingHeapIsNamed() throws {
        try Lab.require()
        XCTAssertThrowsError(try FramePipeline(configuration: try configuration("vivid-vkms.json", memory: .heap("linux,cma")))) { error in
            let text = "\(error)"
            XCTAssertEqual(text, "memory heap:linux,cma cannot be used: no heap linux,cma in /dev/dma_heap; there are system")
            XCTAssertFalse(text.contains("\n"), "one line: \(text)")
        }
    }
}
