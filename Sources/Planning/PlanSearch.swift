import KMS
import Logging
import Platform
import V4L2

#if canImport(Glibc)
import Glibc
#endif

/// Setup as a search: the planner's candidates are tried in order with the
/// real checks, and the first that passes is kept. Buffers are allocated
/// once per allocator and format (which proves the imports), then each of
/// that group's display plans is put to a TEST_ONLY commit. Every outcome
/// is kept, with its reason, for `framepipe plan` and for the error when
/// nothing passes.
struct PlanSearch {
    /// What the search settled on.
    struct Outcome {
        let candidate: PipelineCandidate
        let allocation: FrameAllocation
        let plan: PipelinePlan
    }

    let device: VideoDevice
    let display: Display
    let kernel: any KernelInterface
    /// The camera's media pipeline as prepared, for the plan.
    var media: MediaPlan?
    /// For one source of several: the layers already settled, which each
    /// candidate is tested with (the composition so far plus its own
    /// plane); the display's single plan is then left alone.
    var settledLayers: [DisplayLayer]?

    /// Tries `planned` in order.
    ///
    /// - Throws: ``PipelineError/nothingWorks(_:)`` when
    ///   every candidate was refused; errors that mean "not at all" (no
    ///   master, an unplugged device) as they are.
    func run(_ planned: PipelinePlanner.Result) throws -> Outcome {
        var entries = planned.unavailable
        var chosen: (PipelineCandidate, FrameAllocation)?
        var frameRate: String?
        var start = 0
        let candidates = planned.candidates
        while start < candidates.count {
            var first = candidates[start]
            var end = start
            // One allocation per allocator, format and buffer layout (the
            // copy path's buffers differ in size when libyuv scales).
            while end < candidates.count, candidates[end].memory == first.memory, candidates[end].pixelFormat == first.pixelFormat,
                  candidates[end].copyLayout == first.copyLayout { end += 1 }
            let group = candidates[start..<end]
            start = end
            if chosen != nil {
                entries.append(Self.notTried(Array(group)))
                continue
            }
            // No rate asked for: the highest the camera offers at this
            // format and size, up to the display's refresh rate.
            var rateChoice: FrameRateChoice?
            if first.capture.frameInterval == nil {
                let choice = chooseRate(first)
                first.capture.frameInterval = choice.interval
                rateChoice = choice
            }
            let allocation: FrameAllocation
            do {
                allocation = try FrameAllocation.make(for: first, device: device, display: display, kernel: kernel)
            } catch let error where !Self.endsTheSearch(error) {
                // One entry for the group: its display plans were never
                // reached, and would only repeat the reason.
                entries.append(PlanEntry(
                    memory: first.memory.description, format: first.pixelFormat.name,
                    size: "\(first.capture.width)x\(first.capture.height)",
                    display: "any of \(group.count) display plans", outcome: .rejected, reason: Self.explain(error)))
                continue
            }
            for (position, candidate) in group.enumerated() {
                if chosen != nil {
                    entries.append(Self.notTried(Array(group.dropFirst(position))))
                    break
                }
                if let refusal = try test(candidate.display, framebuffer: allocation.framebuffers[0]) {
                    entries.append(PlanEntry(candidate, outcome: .rejected, reason: Self.explain(refusal, plan: candidate.display)))
                    continue
                }
                if settledLayers == nil { display.select(candidate.display) }
                try allocation.completeImports()
                var candidate = candidate
                candidate.capture.frameInterval = first.capture.frameInterval
                chosen = (candidate, allocation)
                entries.append(PlanEntry(candidate, outcome: .chosen))
                frameRate = Self.describeRate(allocation.stream.frameInterval, choice: rateChoice)
            }
            if chosen?.1 !== allocation { allocation.release() }
        }
        var plan = PipelinePlan(camera: device.path, card: display.card.path, entries: entries, frameRate: frameRate)
        plan.media = media
        for entry in entries {
            planLogger.trace("candidate", metadata: ["camera": "\(device.path)", "entry": "\(entry)"])
        }
        if let chosen = plan.chosen {
            planLogger.debug("plan chosen", metadata: [
                "camera": "\(device.path)", "card": "\(display.card.path)", "entry": "\(chosen)", "rate": "\(frameRate ?? "unknown")"])
        }
        guard let (candidate, allocation) = chosen else {
            throw PipelineError.nothingWorks(plan)
        }
        return Outcome(candidate: candidate, allocation: allocation, plan: plan)
    }

    /// TEST_ONLY of `plan` alone, or with the layers already settled.
    private func test(_ plan: DisplayPlan, framebuffer: FramebufferID) throws -> DeviceError? {
        guard let settledLayers else { return try display.test(plan, framebuffer: framebuffer) }
        return try display.testLayers(settledLayers + [DisplayLayer(plan: plan, framebuffer: framebuffer)])
    }

    /// ``FrameRateChoice`` for `candidate`'s format and size against its
    /// display plan's refresh rate. A camera that cannot list intervals
    /// keeps its rate.
    ///
    /// The corresponding ioctl is `VIDIOC_ENUM_FRAMEINTERVALS`.
    func chooseRate(_ candidate: PipelineCandidate) -> FrameRateChoice {
        let capture = candidate.capture
        let size = "\(capture.width)x\(capture.height)"
        let offered: [FrameIntervalRange]
        do {
            offered = try device.frameIntervals(for: capture.fourcc, width: capture.width, height: capture.height)
        } catch {
            return FrameRateChoice(interval: nil, reason: "the driver's rate: \(device.path) cannot list rates at \(size) (\(error))")
        }
        return FrameRateChoice.choose(
            offered: offered, refreshHz: candidate.display.mode.refreshRate, camera: device.path, size: size)
    }

    /// The plan's rate line: the rate the camera took, and why.
    static func describeRate(_ interval: Fraction?, choice: FrameRateChoice?) -> String {
        let rate = interval.map { rateLabel($0.framesPerSecond) + " fps" } ?? "rate unknown"
        guard let choice else { return rate + ", as asked" }
        return rate + ", " + choice.reason
    }

    /// One entry for candidates left untried because one before them was taken.
    static func notTried(_ candidates: [PipelineCandidate]) -> PlanEntry {
        let first = candidates[0]
        return PlanEntry(
            memory: first.memory.description, format: first.pixelFormat.name, size: "\(first.capture.width)x\(first.capture.height)",
            display: candidates.count == 1 ? first.display.description : "\(candidates.count) more display plans", outcome: .notTried)
    }

    /// Errors after which no other candidate can do better: the device is
    /// gone, or we may not use it at all.
    static func endsTheSearch(_ error: any Error) -> Bool {
        guard let failure = error as? DeviceError else { return false }
        return [ENODEV, ENXIO, EACCES, EPERM].contains(failure.errnoCode)
    }

    /// The reason a group's allocation failed, with what it usually means.
    static func explain(_ error: any Error) -> String {
        if case .formatNotOffered(_, let requested, let offered, _)? = error as? CaptureError {
            return "the camera offers \(offered) instead of \(requested)"
        }
        guard let failure = error as? DeviceError else { return "\(error)" }
        let what = "\(failure.call) failed: \(errnoName(failure.errnoCode))"
        switch failure.call {
        case "drmPrimeFDToHandle", "drmModeAddFB2", "drmModeAddFB2WithModifiers":
            return what + " (the display cannot use this memory)"
        case "VIDIOC_QBUF", "VIDIOC_REQBUFS":
            return what + " (the camera cannot capture into this memory)"
        default:
            return what
        }
    }

    /// A TEST_ONLY refusal, with the likely rule behind it.
    static func explain(_ refusal: DeviceError, plan: DisplayPlan) -> String {
        var text = "TEST_ONLY \(errnoName(refusal.errnoCode))"
        if plan.layout.isScaled {
            text += "; the plane may not scale"
        } else if plan.plane?.type == .primary, !plan.layout.coversDisplay(width: plan.mode.width, height: plan.mode.height) {
            text += "; the primary plane may have to cover the CRTC"
        }
        return text
    }
}

/// The plan search's log: each candidate at trace, the choice at debug.
let planLogger = Logger(label: "framepipe.plan")
