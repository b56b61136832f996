import Configuration
import Conversion
import KMS
import Platform
import V4L2

/// The copy path's candidates: after every zero-copy one, and only with
/// ``CopyPolicy/allowed``. The camera captures a format libyuv converts
/// (in its own order of preference), and the display shows XRGB8888 from
/// dumb buffers of the frame's size, with the same display plans (mode,
/// plane, placement) as a zero-copy frame of that size would get.
extension PipelinePlanner {
    /// The display side of every copy: XRGB8888, the format KMS drivers
    /// all scan out (vkms, cirrus, every SoC's primary plane).
    static var copyTarget: PixelFormat? { PixelFormat.all.first { $0.drm == FourCC("XR24") } }

    /// The copy candidates for `camera` on `card`; what keeps them out is
    /// noted in `leftOut`.
    ///
    /// `region` and `planes` place one source of several, as for zero copy;
    /// its software-scaled candidate then fills the region, not the mode.
    static func copyCandidates(
        _ configuration: PipelineConfiguration, camera: CameraDescription, card: CardInfo, leftOut: inout [PlanEntry],
        region: PixelRectangle? = nil, planes: [PlaneID]? = nil
    ) throws -> [PipelineCandidate] {
        let requested = configuration.source.format
        let convertible = camera.formats.compactMap(ConvertibleFormat.init).filter { requested == nil || $0.fourcc == requested }
        guard let target = copyTarget, !convertible.isEmpty else { return [] }
        let displayFormats = PipelineRequest.displayFormats(card, plane: configuration.sink.plane)
        guard displayFormats.contains(target.drm) else {
            leftOut.append(PlanEntry(memory: "copy", outcome: .unavailable, reason: "no plane of \(card.path) shows XRGB8888"))
            return []
        }
        var candidates: [PipelineCandidate] = []
        for format in convertible {
            let memory = FrameMemory.copy(format)
            if let reason = whyNot(memory, camera: camera, card: card, heaps: []) {
                leftOut.append(PlanEntry(memory: memory.description, outcome: .unavailable, reason: reason))
                continue
            }
            var request = PipelineRequest.make(configuration, pixelFormat: target)
            request.capture.fourcc = format.fourcc
            request.display.region = region
            request.display.planes = planes
            // Frame-size plans, then libyuv scaling to the mode, and only
            // then cropping: a copy may as well show the whole picture.
            let plans = try DisplayPlanner.candidates(for: card, selection: request.display)
            let make = { (plan: DisplayPlan) in PipelineCandidate(memory: memory, pixelFormat: target, capture: request.capture, display: plan) }
            candidates += plans.filter { $0.placement != .cropped }.map(make)
            candidates += try softwareScaled(request, memory: memory, pixelFormat: target, mode: plans.first?.mode, card: card, region: region)
            candidates += plans.filter { $0.placement == .cropped }.map(make)
        }
        return candidates
    }

    /// After the frame-size plans (before cropping), one that no plane has to scale: display
    /// buffers of the mode's size, covering the screen, with libyuv scaling
    /// each frame into them (aspect ratio kept, centred, the rest black).
    /// It is what a display whose only plane must cover the screen and
    /// cannot scale (cirrus, vkms without overlays) shows best. Nil when
    /// the frame already has the mode's size, or no mode is known.
    static func softwareScaled(
        _ request: PipelineRequest, memory: FrameMemory, pixelFormat: PixelFormat, mode: DisplayMode?, card: CardInfo,
        region: PixelRectangle? = nil
    ) throws -> [PipelineCandidate] {
        guard let mode else { return [] }
        let box = (width: region?.width ?? mode.width, height: region?.height ?? mode.height)
        guard (Int(request.capture.width), Int(request.capture.height)) != box else { return [] }
        var selection = request.display
        selection.frameWidth = box.width
        selection.frameHeight = box.height
        selection.mode = .size(width: mode.width, height: mode.height, refreshRate: mode.refreshRate)
        selection.position = nil
        let layout = CopyLayout.fitting(width: Int(request.capture.width), height: Int(request.capture.height), into: box.width, box.height)
        return try DisplayPlanner.candidates(for: card, selection: selection)
            .filter { $0.placement == .unscaled && $0.layout.destination.width == box.width && $0.layout.destination.height == box.height }
            .map { plan in
                var candidate = PipelineCandidate(memory: memory, pixelFormat: pixelFormat, capture: request.capture, display: plan)
                candidate.copyLayout = layout
                return candidate
            }
    }

    /// No zero-copy format at all, copy allowed: the copy candidates, or
    /// an error that says what the camera captures and what can be converted.
    static func copyOnly(
        _ configuration: PipelineConfiguration, camera: CameraDescription, card: CardInfo, leftOut: [PlanEntry],
        zeroCopyRefusal: NegotiationError, region: PixelRectangle? = nil, planes: [PlaneID]? = nil
    ) throws -> Result {
        var leftOut = leftOut
        if let requested = configuration.source.format, camera.formats.contains(requested), ConvertibleFormat(requested) == nil {
            throw NegotiationError.cannotConvert(camera: camera.path, requested: requested)
        }
        let candidates = try copyCandidates(configuration, camera: camera, card: card, leftOut: &leftOut, region: region, planes: planes)
        if candidates.isEmpty, camera.formats.allSatisfy({ ConvertibleFormat($0) == nil }) {
            throw NegotiationError.nothingConvertible(camera: camera.path, cameraFormats: camera.formats)
        }
        guard !candidates.isEmpty else { throw zeroCopyRefusal }
        return Result(candidates: candidates, unavailable: leftOut)
    }
}

extension NegotiationError {
    /// The refusal, with the hint to allow a copy when one could work (the
    /// camera captures a format framepipe converts).
    func withCopyHint(camera: CameraDescription) -> NegotiationError {
        guard case .noCommonFormat(let path, let requested, let cameraFormats, let display, let displayFormats) = self,
              cameraFormats.contains(where: { ConvertibleFormat($0) != nil }) else { return self }
        return .noCommonFormatCopyPossible(
            camera: path, requested: requested, cameraFormats: cameraFormats, display: display, displayFormats: displayFormats)
    }
}
