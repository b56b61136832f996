import KMS
import Pipeline
import Platform
import TestSupport
import V4L2
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// Setup as a search, on the fake kernel: a display that cannot import the
/// camera's memory (vc4 and vmalloc buffers: EINVAL from
/// drmPrimeFDToHandle) gets the display's own buffers; when the camera
/// will not queue those either, the error lists both refusals and nothing
/// is left open.
final class PlanSearchFakeKernelTests: XCTestCase {
    private func rig() -> FakeKernel {
        let fake = FakeKernel()
        fake.addCamera(at: "/dev/video0")
        fake.addCard(at: "/dev/dri/card0")
        return fake
    }

    private func configuration() -> PipelineConfiguration {
        var configuration = PipelineConfiguration()
        configuration.source.device = "/dev/video0"
        configuration.source.format = FourCC("XR24")
        configuration.sink.card = "/dev/dri/card0"
        return configuration
    }

    func testTheDisplaysMemoryIsChosenWhenTheDisplayCannotImportTheCamerasBuffers() throws {
        let fake = rig()
        fake.failAlways("drmPrimeFDToHandle", errno: EINVAL)
        do {
            let pipeline = try FramePipeline(configuration: configuration(), kernel: fake)
            defer { pipeline.close() }
            XCTAssertEqual(pipeline.candidate.memory, .display)
            let plan = pipeline.plan
            XCTAssertEqual(plan.rejected.map(\.memory), ["camera memory", "display memory"], "then the primary plane refused the centred frame: \(plan.explanation)")
            XCTAssertEqual(plan.rejected.first?.memory, "camera memory")
            XCTAssertEqual(plan.rejected.first?.reason, "drmPrimeFDToHandle failed: EINVAL (the display cannot use this memory)")
            XCTAssertEqual(plan.chosen?.memory, "display memory", plan.explanation)
            XCTAssertEqual(plan.entries.filter { $0.outcome == .unavailable }.map(\.memory), ["heap"], "the fake has no heaps")
            // The display's buffers went into the camera as DMABUF, each queued once at setup.
            XCTAssertTrue(fake.trace.contains { $0.hasPrefix("VIDIOC_REQBUFS") && $0.contains("DMABUF") }, fake.trace.joined(separator: "\n"))
            XCTAssertEqual(pipeline.framebuffers.count, pipeline.configuration.source.buffers)
            XCTAssertEqual(fake.trace.filter { $0.hasPrefix("VIDIOC_QBUF") }.count, pipeline.framebuffers.count)
        }
        XCTAssertTrue(fake.leakReport().isEmpty, "\(fake.leakReport())")
    }

    func testNothingWorksListsEveryRefusalAndLeavesNothingOpen() throws {
        let fake = rig()
        fake.failAlways("drmPrimeFDToHandle", errno: EINVAL)
        fake.failAlways("VIDIOC_QBUF", errno: EFAULT)
        XCTAssertThrowsError(try FramePipeline(configuration: configuration(), kernel: fake)) { error in
            guard case .nothingWorks(let plan)? = error as? PipelineError else {
                return XCTFail("expected nothingWorks, got \(error)")
            }
            XCTAssertEqual(plan.chosen, nil)
            XCTAssertEqual(plan.rejected.map(\.memory), ["camera memory", "display memory"], plan.explanation)
            XCTAssertEqual(plan.rejected.last?.reason, "VIDIOC_QBUF failed: EFAULT (the camera cannot capture into this memory)")
            let text = "\(error)"
            XCTAssertFalse(text.contains("\n"), "one line: \(text)")
            XCTAssertTrue(text.hasPrefix("/dev/video0 → /dev/dri/card0: no zero-copy pipeline works; tried any of "), text)
            XCTAssertTrue(text.contains("[camera memory]: drmPrimeFDToHandle failed: EINVAL (the display cannot use this memory)"), text)
            XCTAssertTrue(text.contains("[display memory]: VIDIOC_QBUF failed: EFAULT (the camera cannot capture into this memory)"), text)
            XCTAssertTrue(text.contains("heap unavailable: no dma-buf heaps"), text)
            XCTAssertEqual((error as? PipelineError)?.category, .invalidRequest)
        }
        XCTAssertTrue(fake.leakReport().isEmpty, "\(fake.leakReport())")
    }
}
