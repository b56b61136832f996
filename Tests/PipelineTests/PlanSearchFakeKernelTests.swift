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

    /// A display that scans out only pitches of a multiple of 256 bytes and
    /// a 600x480 camera (2400 bytes per line): the first import is refused,
    /// the display's own buffers of that size have 2560, and the camera,
    /// asked for 2560 (`bytesperline` in S_FMT), takes it. Its memory is
    /// kept; nothing is copied.
    func testTheCameraIsAskedForTheStrideTheDisplayNeeds() throws {
        let fake = FakeKernel()
        fake.addCamera(at: "/dev/video0", configuration: .init(sizes: [FakeFrameSize(600, 480)]))
        fake.addCard(at: "/dev/dri/card0", configuration: .init(pitchAlignment: 256))
        var configuration = configuration()
        configuration.source.width = 600
        do {
            let pipeline = try FramePipeline(configuration: configuration, kernel: fake)
            defer { pipeline.close() }
            XCTAssertEqual(pipeline.candidate.memory, .camera, pipeline.plan.explanation)
            XCTAssertEqual(pipeline.plan.rejected.map(\.memory), ["camera memory"], "only the centred frame on the primary plane")
            XCTAssertFalse(pipeline.plan.rejected.contains { ($0.reason ?? "").contains("AddFB2") }, "the stride retry is part of allocating")
            XCTAssertEqual(pipeline.captureFormat.planes.map(\.bytesPerLine), [2560])
            XCTAssertEqual(pipeline.framebuffers.count, pipeline.configuration.source.buffers)
            XCTAssertEqual(fake.trace.filter { $0.hasPrefix("drmModeAddFB2") && $0.contains("EINVAL") }.count, 1,
                           "one refusal at 2400 bytes per line: \(fake.trace.filter { $0.hasPrefix("drmModeAddFB2") })")
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
