import Configuration
import KMS
import Platform
import V4L2

/// Lists every way to run a pipeline on this hardware, best first: a pure
/// function of the configuration, the camera's and the card's descriptions,
/// and the dma-buf heaps there are. Setup tries the candidates in order
/// with the real checks (imports, `VIDIOC_QBUF`, TEST_ONLY) and keeps the
/// first that passes.
///
/// The order: allocators (camera, display, heaps; one when pinned), within
/// each the shared formats (the table's order; one when pinned), within
/// each the display's plans (``DisplayPlanner``). Import failures are a
/// matter of memory, so an allocator is given up as a whole before the
/// next is tried. Nothing here copies: the copy path (a conversion) is not
/// a candidate.
package enum PipelinePlanner {
    /// The candidates in order, and the allocators that could not be tried
    /// with why.
    package struct Result: Sendable, Equatable {
        /// Candidates to try, best first.
        package var candidates: [PipelineCandidate]
        /// Allocators left out, as plan entries with outcome `unavailable`.
        package var unavailable: [PlanEntry]
    }

    /// Plans `configuration` for `camera` on `card`, with `heaps` (the names
    /// under /dev/dma_heap).
    ///
    /// - Throws: ``NegotiationError`` when no format is shared (or the one
    ///   pinned is not); ``PipelineError/memoryUnavailable(memory:reason:)``
    ///   when the pinned allocator (or, for "auto", every one) cannot work
    ///   here; ``DisplayError`` when a pinned display choice does not exist.
    ///
    /// `region` and `planes` place one source of several: its frame goes in
    /// that part of the mode, on one of those planes (``DisplaySelection``).
    package static func plan(
        _ configuration: PipelineConfiguration, camera: CameraDescription, card: CardInfo, heaps: [String],
        region: PixelRectangle? = nil, planes: [PlaneID]? = nil
    ) throws -> Result {
        let (memories, unavailable) = try allocators(configuration.source.memory, camera: camera, card: card, heaps: heaps)
        let formats: [PixelFormat]
        do {
            formats = try sharedFormats(configuration, camera: camera, card: card)
        } catch {
            // No zero-copy format: the copy path is the only way, if allowed.
            guard configuration.copy == .allowed else { throw error.withCopyHint(camera: camera) }
            return try copyOnly(
                configuration, camera: camera, card: card, leftOut: unavailable, zeroCopyRefusal: error, region: region, planes: planes)
        }
        var candidates: [PipelineCandidate] = []
        var leftOut = unavailable
        for memory in memories {
            var usable = formats
            if memory == .display {
                // A dumb buffer is one plane: formats whose colour planes
                // would need more (NV12 and friends) cannot use it.
                usable = formats.filter { $0.layout.planeCount == 1 && !$0.separateMemoryPlanes }
                if usable.isEmpty {
                    leftOut.append(PlanEntry(memory: memory.description, outcome: .unavailable,
                                             reason: "display buffers hold one colour plane; no shared format is packed"))
                }
            }
            for format in usable {
                var request = PipelineRequest.make(configuration, pixelFormat: format)
                request.display.region = region
                request.display.planes = planes
                for plan in try DisplayPlanner.candidates(for: card, selection: request.display) {
                    candidates.append(PipelineCandidate(memory: memory, pixelFormat: format, capture: request.capture, display: plan))
                }
            }
        }
        if configuration.copy == .allowed {
            candidates += try copyCandidates(configuration, camera: camera, card: card, leftOut: &leftOut, region: region, planes: planes)
        }
        return Result(candidates: candidates, unavailable: leftOut)
    }

    /// The formats both sides use natively, best first.
    static func sharedFormats(_ configuration: PipelineConfiguration, camera: CameraDescription, card: CardInfo) throws(NegotiationError) -> [PixelFormat] {
        let displayFormats = PipelineRequest.displayFormats(card, plane: configuration.sink.plane)
        let first = try negotiatePixelFormat(
            requested: configuration.source.format, cameraFormats: camera.formats, displayFormats: displayFormats,
            camera: camera.path, display: card.path)
        if configuration.source.format != nil { return [first] }
        let cameraSet = Set(camera.formats), displaySet = Set(displayFormats)
        return PixelFormat.all.filter { cameraSet.contains($0.v4l2) && displaySet.contains($0.drm) }
    }

    /// The allocators to try for `request`, and the ones left out with why.
    static func allocators(
        _ request: MemoryRequest, camera: CameraDescription, card: CardInfo, heaps: [String]
    ) throws(PipelineError) -> ([FrameMemory], [PlanEntry]) {
        var wanted: [FrameMemory]
        switch request {
        case .automatic: wanted = [.camera, .display] + orderedHeaps(heaps).map(FrameMemory.heap)
        case .camera: wanted = [.camera]
        case .display: wanted = [.display]
        case .heap(let name?): wanted = [.heap(name)]
        case .heap(nil): wanted = orderedHeaps(heaps).map(FrameMemory.heap)
        }
        var usable: [FrameMemory] = []
        var leftOut: [PlanEntry] = []
        var reasons: [String] = []
        if case .heap = request, wanted.isEmpty || heaps.isEmpty {
            throw .memoryUnavailable(memory: request.description, reason: noHeaps)
        }
        if request == .automatic, heaps.isEmpty {
            leftOut.append(PlanEntry(memory: "heap", outcome: .unavailable, reason: noHeaps))
        }
        for memory in wanted {
            if let reason = whyNot(memory, camera: camera, card: card, heaps: heaps) {
                leftOut.append(PlanEntry(memory: memory.description, outcome: .unavailable, reason: reason))
                reasons.append("\(memory): \(reason)")
                if request != .automatic { throw .memoryUnavailable(memory: request.description, reason: reason) }
            } else {
                usable.append(memory)
            }
        }
        guard !usable.isEmpty else {
            throw .memoryUnavailable(memory: request.description, reason: reasons.joined(separator: "; "))
        }
        return (usable, leftOut)
    }

    private static let noHeaps = "no dma-buf heaps in /dev/dma_heap (the kernel has none: CONFIG_DMABUF_HEAPS)"

    /// Why `memory` cannot work with this camera and card, or nil.
    static func whyNot(_ memory: FrameMemory, camera: CameraDescription, card: CardInfo, heaps: [String]) -> String? {
        let streaming = camera.streaming
        switch memory {
        case .camera:
            if !streaming.mmap { return "\(camera.path) allocates no buffers (no V4L2_MEMORY_MMAP)" }
            if streaming.exportable == false { return "\(camera.path) cannot export its buffers (VIDIOC_EXPBUF)" }
            if !card.capabilities.primeImport { return "\(card.path) imports no dma-bufs (no DRM_PRIME_CAP_IMPORT)" }
        case .display:
            if !card.capabilities.dumbBuffer { return "\(card.path) allocates no dumb buffers (no DRM_CAP_DUMB_BUFFER)" }
            if !card.capabilities.primeExport { return "\(card.path) exports no dma-bufs (no DRM_PRIME_CAP_EXPORT)" }
            if !streaming.dmabuf { return "\(camera.path) imports no dma-bufs (no V4L2_BUF_CAP_SUPPORTS_DMABUF)" }
        case .heap(let name):
            if !heaps.contains(name) {
                return heaps.isEmpty ? noHeaps : "no heap \(name) in /dev/dma_heap; there are \(heaps.joined(separator: ", "))"
            }
            if !streaming.dmabuf { return "\(camera.path) imports no dma-bufs (no V4L2_BUF_CAP_SUPPORTS_DMABUF)" }
            if !card.capabilities.primeImport { return "\(card.path) imports no dma-bufs (no DRM_PRIME_CAP_IMPORT)" }
        case .copy:
            if !streaming.mmap { return "\(camera.path) allocates no buffers (no V4L2_MEMORY_MMAP)" }
            if streaming.exportable == false { return "\(camera.path) cannot export its buffers to be read (VIDIOC_EXPBUF)" }
            if !card.capabilities.dumbBuffer { return "\(card.path) allocates no dumb buffers (no DRM_CAP_DUMB_BUFFER)" }
        }
        return nil
    }

    /// Heaps of physically contiguous memory first ("linux,cma",
    /// "reserved"): more displays can scan them out.
    static func orderedHeaps(_ heaps: [String]) -> [String] {
        let contiguous = heaps.filter { $0.contains("cma") || $0.contains("reserved") }
        return contiguous + heaps.filter { !contiguous.contains($0) }
    }
}
