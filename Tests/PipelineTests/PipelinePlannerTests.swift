import KMS
import Pipeline
import Platform
import TestSupport
import V4L2
import XCTest

/// The whole-pipeline candidate list, on recorded descriptions: which
/// allocators are tried in which order and why one is left out.
final class PipelinePlannerTests: XCTestCase {
    private func camera(formats: [String] = ["YUYV", "XR24", "AR24", "NV12"], mmap: Bool = true, dmabuf: Bool = true,
                        exportable: Bool? = true) -> CameraDescription {
        CameraDescription(path: "/dev/video0", formats: formats.map(RecordedCard.fourcc),
                          streaming: StreamingSupport(mmap: mmap, userPointer: false, dmabuf: dmabuf, exportable: exportable))
    }

    private func plan(_ memory: MemoryRequest = .automatic, camera: CameraDescription? = nil, card: CardInfo = RecordedCard.card(),
                      heaps: [String] = [], adjust: (inout PipelineConfiguration) -> Void = { _ in }) throws -> PipelinePlanner.Result {
        var configuration = PipelineConfiguration()
        configuration.source.memory = memory
        adjust(&configuration)
        return try PipelinePlanner.plan(configuration, camera: camera ?? self.camera(), card: card, heaps: heaps)
    }

    /// Allocators in the order their candidates first appear.
    private func allocators(_ result: PipelinePlanner.Result) -> [FrameMemory] {
        var order: [FrameMemory] = []
        for candidate in result.candidates where !order.contains(candidate.memory) { order.append(candidate.memory) }
        return order
    }

    func testAutoTriesTheCamerasMemoryThenTheDisplaysAndSaysThereAreNoHeaps() throws {
        let result = try plan()
        XCTAssertEqual(allocators(result), [.camera, .display])
        XCTAssertEqual(result.unavailable.map(\.memory), ["heap"])
        XCTAssertEqual(result.unavailable.first?.reason, "no dma-buf heaps in /dev/dma_heap (the kernel has none: CONFIG_DMABUF_HEAPS)")
        // Within an allocator: every shared format (table order), each with the display's plans.
        var formats: [String] = []
        for candidate in result.candidates where candidate.memory == .camera && !formats.contains(candidate.pixelFormat.name) {
            formats.append(candidate.pixelFormat.name)
        }
        XCTAssertEqual(formats, ["XRGB8888", "ARGB8888"])
        XCTAssertEqual(result.candidates.first?.display.plane?.type, .primary)
        XCTAssertEqual(result.candidates.first?.capture.width, 640)
    }

    func testACameraThatCannotExportLeavesTheDisplaysMemoryFirst() throws {
        let result = try plan(camera: camera(exportable: false))
        XCTAssertEqual(allocators(result), [.display])
        XCTAssertTrue(result.unavailable.contains {
            $0.memory == "camera memory" && $0.reason == "/dev/video0 cannot export its buffers (VIDIOC_EXPBUF)"
        })
    }

    func testAPinnedAllocatorThatCannotWorkIsAnErrorSayingWhy() throws {
        XCTAssertThrowsError(try plan(.display, camera: camera(dmabuf: false))) { error in
            XCTAssertEqual(error as? PipelineError, .memoryUnavailable(
                memory: "display", reason: "/dev/video0 imports no dma-bufs (no V4L2_BUF_CAP_SUPPORTS_DMABUF)"))
            XCTAssertEqual((error as? PipelineError)?.category, .unavailable)
        }
        XCTAssertThrowsError(try plan(.heap("linux,cma"), heaps: ["system"])) { error in
            XCTAssertEqual("\(error)", "memory heap:linux,cma cannot be used: no heap linux,cma in /dev/dma_heap; there are system")
        }
        XCTAssertThrowsError(try plan(.heap(nil))) { error in
            XCTAssertEqual("\(error)", "memory heap cannot be used: no dma-buf heaps in /dev/dma_heap (the kernel has none: CONFIG_DMABUF_HEAPS)")
        }
    }

    /// `memory: display` pinned on a card that makes no dumb buffers (a
    /// render-only or writeback-only device, some SPI panels' drivers).
    func testDisplayMemoryOnACardWithoutDumbBuffersIsAnErrorSayingSo() throws {
        var card = RecordedCard.card()
        card.capabilities.dumbBuffer = false
        XCTAssertThrowsError(try plan(.display, card: card)) { error in
            XCTAssertEqual("\(error)", "memory display cannot be used: /dev/dri/card0 allocates no dumb buffers (no DRM_CAP_DUMB_BUFFER)")
        }
        XCTAssertEqual(allocators(try plan(card: card)), [.camera], "auto goes on without it")
    }

    func testAPinnedAllocatorIsTheOnlyOneTried() throws {
        XCTAssertEqual(allocators(try plan(.camera)), [.camera])
        XCTAssertEqual(allocators(try plan(.display)), [.display])
        XCTAssertEqual(allocators(try plan(.heap("system"), heaps: ["system"])), [.heap("system")])
    }

    func testContiguousHeapsComeBeforeTheSystemHeap() throws {
        XCTAssertEqual(allocators(try plan(heaps: ["system", "linux,cma"])), [.camera, .display, .heap("linux,cma"), .heap("system")])
        XCTAssertEqual(allocators(try plan(.heap(nil), heaps: ["system", "linux,cma"])), [.heap("linux,cma"), .heap("system")])
    }

    func testEveryAllocatorUnavailableIsOneErrorListingEachReason() throws {
        let card = RecordedCard.card()
        var noPrime = card
        noPrime.capabilities.primeImport = false
        noPrime.capabilities.dumbBuffer = false
        XCTAssertThrowsError(try plan(card: noPrime)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("memory auto cannot be used: camera memory: /dev/dri/card0 imports no dma-bufs (no DRM_PRIME_CAP_IMPORT); display memory: /dev/dri/card0 allocates no dumb buffers"), text)
        }
    }

    func testDisplayMemoryTakesPackedFormatsOnly() throws {
        let nv12Card = RecordedCard.card(planes: [
            RecordedCard.plane(31, .primary, ["XR24"], on: RecordedCard.crtc),
            RecordedCard.plane(33, .overlay, ["NV12"]),
        ])
        let result = try plan(camera: camera(formats: ["NV12"]), card: nv12Card)
        XCTAssertEqual(allocators(result), [.camera], "a dumb buffer holds one colour plane")
        XCTAssertTrue(result.unavailable.contains { $0.memory == "display memory" && ($0.reason ?? "").contains("no shared format is packed") })
    }

    func testAPinnedFormatIsTheOnlyFormat() throws {
        let result = try plan { $0.source.format = RecordedCard.fourcc("AR24") }
        XCTAssertEqual(Set(result.candidates.map(\.pixelFormat.name)), ["ARGB8888"])
        XCTAssertTrue(result.candidates.allSatisfy { $0.display.plane?.type == .overlay }, "only the overlay shows ARGB")
    }
}
