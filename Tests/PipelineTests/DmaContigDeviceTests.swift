import Foundation
import KMS
import Pipeline
import Platform
import TestSupport
import XCTest

/// vivid's dma-contig allocator (`allocators=1`; the lab boot 'fit' gives
/// it to its third instance, /dev/video8): its own buffers are physically
/// contiguous and the display shows them; buffers it did not allocate must
/// be contiguous too, and the display's dumb buffers (shmem pages) are not,
/// which vb2-dma-contig finds only at the first VIDIOC_QBUF (EFAULT). Setup
/// catches that, not the stream.
final class DmaContigDeviceTests: XCTestCase {
    private static let device = "/dev/video8"

    override func setUpWithError() throws {
        try Lab.require(boot: "fit", "vivid n_devs=3 allocators=0,0,1")
        let allocators = try String(contentsOfFile: "/sys/module/vivid/parameters/allocators", encoding: .utf8)
        XCTAssertTrue(allocators.hasPrefix("0,0,1"), "vivid instance 2 uses dma-contig: \(allocators)")
    }

    private func configuration(memory: MemoryRequest) throws -> PipelineConfiguration {
        var configuration = try PipelineConfiguration.load(path: repositoryRoot.appendingPathComponent("configs/vivid-vkms.json").path)
        configuration.source.device = Self.device
        configuration.source.memory = memory
        return configuration
    }

    func testTheContiguousCamerasOwnBuffersAreShownPixelExact() throws {
        let pipeline = try FramePipeline(configuration: try configuration(memory: .automatic))
        XCTAssertEqual(pipeline.plan.chosen?.memory, "camera memory", pipeline.plan.explanation)
        var comparison: ScreenComparison?
        var mappings: [String]?
        let summary = try pipeline.run(frames: 20, beforeTeardown: { pipeline in
            mappings = try ProcessResources.frameMappings()
            comparison = try ScreenComparison.take(pipeline)
        })
        XCTAssertGreaterThanOrEqual(summary.statistics.shown, 20)
        XCTAssertEqual(summary.poolViolations, [])
        XCTAssertEqual(mappings, [], "zero-copy: no frame memory mapped by the pipeline")
        try XCTUnwrap(comparison).assertExact(expectedPixels: 640 * 480)
    }

    func testTheDisplaysBuffersAreRefusedAtSetupNotMidStream() throws {
        let descriptorsBefore = try ProcessResources.descriptorCount()
        let screenBefore = try ScreenState.current()
        XCTAssertThrowsError(try FramePipeline(configuration: try configuration(memory: .display))) { error in
            guard case .nothingWorks(let plan)? = error as? PipelineError else { return XCTFail("expected nothingWorks, got \(error)") }
            XCTAssertEqual(plan.rejected.map(\.memory), ["display memory"])
            XCTAssertEqual(plan.rejected.first?.reason, "VIDIOC_QBUF failed: EFAULT (the camera cannot capture into this memory)")
            XCTAssertTrue("\(error)".contains("[display memory]: VIDIOC_QBUF failed: EFAULT"), "\(error)")
        }
        XCTAssertEqual(try ScreenState.current(), screenBefore)
        XCTAssertEqual(try ProcessResources.descriptorCount(settlingAt: descriptorsBefore), descriptorsBefore, "every fd closed")
    }
}
