import KMS
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

    /// Tries `planned` in order.
    ///
    /// - Throws: ``PipelineError/nothingWorks(_:)`` when
    ///   every candidate was refused; errors that mean "not at all" (no
    ///   master, an unplugged device) as they are.
    func run(_ planned: PipelinePlanner.Result) throws -> Outcome {
        var entries = planned.unavailable
        var chosen: (PipelineCandidate, FrameAllocation)?
        var start = 0
        let candidates = planned.candidates
        while start < candidates.count {
            let first = candidates[start]
            var end = start
            while end < candidates.count, candidates[end].memory == first.memory, candidates[end].pixelFormat == first.pixelFormat { end += 1 }
            let group = candidates[start..<end]
            start = end
            if chosen != nil {
                entries.append(Self.notTried(Array(group)))
                continue
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
                if let refusal = try display.test(candidate.display, framebuffer: allocation.framebuffers[0]) {
                    entries.append(PlanEntry(candidate, outcome: .rejected, reason: Self.explain(refusal, plan: candidate.display)))
                    continue
                }
                display.select(candidate.display)
                try allocation.completeImports()
                chosen = (candidate, allocation)
                entries.append(PlanEntry(candidate, outcome: .chosen))
            }
            if chosen?.1 !== allocation { allocation.release() }
        }
        let plan = PipelinePlan(camera: device.path, card: display.card.path, entries: entries)
        guard let (candidate, allocation) = chosen else {
            throw PipelineError.nothingWorks(plan)
        }
        return Outcome(candidate: candidate, allocation: allocation, plan: plan)
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
