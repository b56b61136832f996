import KMS
import Platform
import V4L2

/// Setting up several sources on one screen (``CompositePipeline``): the
/// cameras and the card opened, one mode, a rectangle and a plane per
/// source, each source's pipeline searched with the ones before it on
/// screen. On failure everything made so far is released again.
struct CompositeSetup {
    var steps: [SetupStep] = []
    let display: Display
    var sources: [CompositeSource] = []
    var allocations: [FrameAllocation] = []

    init(configuration: PipelineConfiguration, kernel: any KernelInterface) throws {
        var stepStart = monotonicNanoseconds()
        var steps: [SetupStep] = []
        func step(_ name: String) {
            let now = monotonicNanoseconds()
            steps.append(SetupStep(name: name, milliseconds: Double(now - stepStart) / 1e6))
            stepStart = now
        }
        let entries = configuration.isComposite ? configuration.sources : [configuration.source]
        let devices = try entries.map { try FramePipeline.openCamera($0.device, kernel: kernel) }
        let cameras = try devices.map(CameraDescription.init)
        step("open cameras")
        let (card, info) = try FramePipeline.openCard(configuration.sink.card, kernel: kernel)
        guard info.capabilities.atomic, !configuration.sink.legacy else { throw PipelineError.severalSourcesNeedAtomic(card: card.path) }
        step("open display")
        let heaps = DmaHeap.available(kernel: kernel)
        let single = { (index: Int) in
            PipelineConfiguration(source: entries[index], sink: configuration.sink, policy: configuration.policy)
        }
        // The first source's plan as if alone says which connector, CRTC
        // and mode: the mode asked for, else the connector's preferred one.
        let first = try PipelinePlanner.plan(single(0), camera: cameras[0], card: info, heaps: heaps)
        guard let reference = first.candidates.first?.display else {
            throw PipelineError.nothingWorks(PipelinePlan(camera: cameras[0].path, card: card.path, entries: first.unavailable, frameRate: nil))
        }
        let mode = reference.mode
        let regions = try Self.regions(configuration, entries: entries, cameras: cameras, mode: mode)
        let planes = Self.layerPlanes(info, crtc: reference.crtc)
        let tooFewPlanes = PipelineError.tooFewPlanes(
            card: card.path, crtc: "\(reference.crtc)",
            planes: planes.map { "\($0.id) (\($0.type.rawValue))" }, sources: cameras.map(\.path))
        guard planes.count >= entries.count else { throw tooFewPlanes }
        step("plan")
        // The display saves (and puts back) every plane a source may take;
        // until the layers are settled its plans are the first source's alone.
        let everyPlane = planes.map(\.id)
        display = try Display(card: card, info: info, candidates: first.candidates.map(\.display), alsoSaving: everyPlane)
        step("display")
        var settled: [DisplayLayer] = []
        do {
            for index in entries.indices {
                // Above the plane of the source before it: z-order is the list's order.
                let lowest = settled.last.flatMap { layer in everyPlane.firstIndex { $0 == layer.plan.plane?.id } }.map { $0 + 1 } ?? 0
                let usable = Array(everyPlane[lowest...])
                guard !usable.isEmpty else { throw tooFewPlanes }
                let planned = try PipelinePlanner.plan(
                    single(index), camera: cameras[index], card: info, heaps: heaps, region: regions[index], planes: usable)
                let outcome = try PlanSearch(device: devices[index], display: display, kernel: kernel, settledLayers: settled).run(planned)
                allocations.append(outcome.allocation)
                settled.append(DisplayLayer(plan: outcome.candidate.display, framebuffer: outcome.allocation.framebuffers[0]))
                sources.append(CompositeSource(
                    camera: cameras[index].path, candidate: outcome.candidate, plan: outcome.plan, region: regions[index],
                    captureFormat: outcome.allocation.stream.format))
            }
        } catch {
            for allocation in allocations { allocation.release() }
            display.close()
            throw error
        }
        display.selectLayers(settled.map(\.plan))
        step("buffers")
        self.steps = steps
    }

    /// Each source's rectangle: its `rect`, or the layout preset's (grid
    /// by default) for the frames' sizes on `mode`.
    static func regions(
        _ configuration: PipelineConfiguration, entries: [SourceConfiguration], cameras: [CameraDescription], mode: DisplayMode
    ) throws -> [PixelRectangle] {
        let rectangles = entries.compactMap { $0.rect?.pixelRectangle }
        if rectangles.count == entries.count {
            for (index, rectangle) in rectangles.enumerated()
            where rectangle.x + rectangle.width > mode.width || rectangle.y + rectangle.height > mode.height {
                throw PipelineError.rectangleOutsideMode(
                    source: cameras[index].path, rectangle: "\(rectangle)", mode: "\(mode.width)x\(mode.height)")
            }
            return rectangles
        }
        let preset = configuration.layout ?? .grid
        return preset.rectangles(
            frameSizes: entries.map { ($0.width, $0.height) }, screenWidth: mode.width, screenHeight: mode.height)
    }

    /// The planes that can show a source on `crtc`, bottom to top: the
    /// primary plane, then overlays in the card's order (planes stack in
    /// that order where no zpos says otherwise); cursor planes are left
    /// out, and planes busy on another CRTC.
    static func layerPlanes(_ card: CardInfo, crtc: CrtcID) -> [PlaneInfo] {
        let usable = card.planes.filter {
            $0.type != .cursor && $0.possibleCrtcs.contains(crtc) && ($0.currentCrtc == nil || $0.currentCrtc == crtc)
        }
        return usable.filter { $0.type == .primary } + usable.filter { $0.type == .overlay }
    }
}
