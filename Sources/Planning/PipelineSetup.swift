import Configuration
import KMS
import Platform
import V4L2

/// Setting a pipeline up: its cameras and the card opened, then each
/// source's pipeline searched (``PlanSearch``) for who allocates, the
/// format and the display plan. One source has the whole screen: the
/// display's candidate plans are its own (modes, planes, placements, the
/// legacy path). Several share it: one mode (asked for, else the
/// connector's preferred), a rectangle and a plane each, bottom to top in
/// the list's order, every candidate tested together with the sources
/// already settled. On failure everything made so far is released again.
package struct PipelineSetup {
    package var steps: [SetupStep] = []
    package let display: Display
    package var sources: [PipelineSource] = []
    package var allocations: [FrameAllocation] = []

    /// Each camera's media-controller pipeline, where it has one (nil
    /// for plain nodes), as prepared; the runtime restores them at
    /// teardown.
    package var media: [MediaSession?] = []

    package init(configuration: PipelineConfiguration, kernel: any KernelInterface) throws {
        let clock = StepClock()
        let entries = configuration.isComposite ? configuration.sources : [configuration.source]
        let devices = try entries.map { try Self.openCamera($0.device, kernel: kernel) }
        var media: [MediaSession?] = []
        do {
            for (device, entry) in zip(devices, entries) { media.append(try MediaSession.prepare(device, entry: entry, kernel: kernel)) }
            // A rate set on the sensor is not asked of the node again.
            var planned = entries
            for (index, session) in media.enumerated() where session?.setsFrameRate == true { planned[index].frameRate = nil }
            try self.init(configuration: configuration, kernel: kernel, entries: planned, devices: devices, media: media, clock: clock)
        } catch {
            for session in media { try? session?.restore(evenIfKept: true) }
            throw error
        }
    }

    private init(
        configuration: PipelineConfiguration, kernel: any KernelInterface, entries: [SourceConfiguration],
        devices: [VideoDevice], media: [MediaSession?], clock: StepClock
    ) throws {
        var clock = clock
        self.media = media
        let cameras = try zip(devices, media).map { device, session in
            var camera = try CameraDescription(device)
            if let session { camera.formats = camera.formats.filter(session.captureFormats.contains) }
            return camera
        }
        clock.step("open camera\(entries.count > 1 ? "s" : "")")
        let (card, info) = try Self.openCard(configuration.sink.card, kernel: kernel)
        if entries.count > 1, !info.capabilities.atomic || configuration.sink.legacy {
            throw PipelineError.severalSourcesNeedAtomic(card: card.path)
        }
        clock.step("open display")
        let heaps = DmaHeap.available(kernel: kernel)
        let alone = { (index: Int) in
            var single = configuration
            single.source = entries[index]
            single.sources = []
            return single
        }
        // The first source's plan as if alone: the whole screen for one
        // source; for several it says which connector, CRTC and mode.
        let first = try PipelinePlanner.plan(alone(0), camera: cameras[0], card: info, heaps: heaps)
        if entries.count == 1 {
            var plans: [DisplayPlan] = []
            for candidate in first.candidates where !plans.contains(candidate.display) { plans.append(candidate.display) }
            clock.step("plan")
            display = try Display(card: card, info: info, candidates: plans)
            clock.step("display")
            let outcome = try PlanSearch(device: devices[0], display: display, kernel: kernel, media: media[0]?.plan).run(first)
            allocations = [outcome.allocation]
            sources = [PipelineSource(
                camera: cameras[0].path, candidate: outcome.candidate, plan: outcome.plan, region: nil,
                captureFormat: outcome.allocation.stream.format, media: media[0]?.summary)]
            clock.step("buffers")
            steps = clock.steps
            return
        }
        guard let reference = first.candidates.first?.display else {
            throw PipelineError.nothingWorks(PipelinePlan(camera: cameras[0].path, card: card.path, entries: first.unavailable, frameRate: nil))
        }
        let regions = try Self.regions(configuration, entries: entries, cameras: cameras, mode: reference.mode)
        let planes = Self.layerPlanes(info, crtc: reference.crtc)
        let tooFewPlanes = PipelineError.tooFewPlanes(
            card: card.path, crtc: "\(reference.crtc)",
            planes: planes.map { "\($0.id) (\($0.type.rawValue))" }, sources: cameras.map(\.path))
        guard planes.count >= entries.count else { throw tooFewPlanes }
        clock.step("plan")
        // The display saves (and puts back) every plane a source may take;
        // until the layers are settled its plans are the first source's alone.
        let everyPlane = planes.map(\.id)
        display = try Display(card: card, info: info, candidates: first.candidates.map(\.display), alsoSaving: everyPlane)
        clock.step("display")
        var settled: [DisplayLayer] = []
        do {
            for index in entries.indices {
                // Above the plane of the source before it: z-order is the list's order.
                let lowest = settled.last.flatMap { layer in everyPlane.firstIndex { $0 == layer.plan.plane?.id } }.map { $0 + 1 } ?? 0
                let usable = Array(everyPlane[lowest...])
                guard !usable.isEmpty else { throw tooFewPlanes }
                let planned = try PipelinePlanner.plan(
                    alone(index), camera: cameras[index], card: info, heaps: heaps, region: regions[index], planes: usable)
                let outcome = try PlanSearch(device: devices[index], display: display, kernel: kernel, media: media[index]?.plan, settledLayers: settled).run(planned)
                allocations.append(outcome.allocation)
                settled.append(DisplayLayer(plan: outcome.candidate.display, framebuffer: outcome.allocation.framebuffers[0]))
                sources.append(PipelineSource(
                    camera: cameras[index].path, candidate: outcome.candidate, plan: outcome.plan, region: regions[index],
                    captureFormat: outcome.allocation.stream.format, media: media[index]?.summary))
            }
        } catch {
            for allocation in allocations { allocation.release() }
            display.close()
            throw error
        }
        display.selectLayers(settled.map(\.plan))
        clock.step("buffers")
        steps = clock.steps
    }

    static func openCamera(_ path: String, kernel: any KernelInterface) throws -> VideoDevice {
        path == "auto" ? try VideoDevice.openFirstCaptureDevice(kernel: kernel) : try VideoDevice.open(path, kernel: kernel)
    }

    static func openCard(_ path: String, kernel: any KernelInterface) throws -> (Card, CardInfo) {
        if path == "auto" { return try Card.openFirstWithDisplay(kernel: kernel) }
        let card = try Card.open(path: path, kernel: kernel)
        return (card, try card.describe())
    }

    /// Each source's rectangle: its `rect`, or the layout preset's (grid
    /// by default) for the frames' sizes on `mode`.
    static func regions(
        _ configuration: PipelineConfiguration, entries: [SourceConfiguration], cameras: [CameraDescription], mode: DisplayMode
    ) throws -> [PixelRectangle] {
        let rectangles = entries.compactMap(\.rect)
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

/// Times the steps of a setup, each from the end of the one before.
struct StepClock {
    private(set) var steps: [SetupStep] = []
    private var start = monotonicNanoseconds()

    mutating func step(_ name: String) {
        let now = monotonicNanoseconds()
        steps.append(SetupStep(name: name, milliseconds: Double(now - start) / 1e6))
        start = now
    }
}
