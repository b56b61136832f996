import CDRM
import Platform

#if canImport(Glibc)
import Glibc
#endif

/// The display stage: shows imported framebuffers on one plane of one CRTC,
/// one commit at a time, and reports each completed flip.
///
/// Setting up takes DRM master and saves the display state found (for
/// example fbdev's console); ``close()`` (or releasing the display) puts it
/// back, removes every framebuffer the display added and drops master.
///
/// The display knows its ``candidates`` (``DisplayPlanner``'s list for the
/// selection). A caller that searches (the pipeline) asks the kernel about
/// each with ``test(_:framebuffer:)`` and settles on one with
/// ``select(_:)``; otherwise the first ``show(framebuffer:tag:)`` tries them
/// in order with TEST_ONLY commits and takes the first accepted. That first
/// show sets the mode; later calls flip with a non-blocking commit that changes only
/// the plane's FB_ID. Each call leads to exactly one ``FlipEvent`` carrying
/// the caller's tag, delivered by ``handleEvents(_:)`` once the card's
/// descriptor (``fileDescriptor``) is readable.
///
/// The display keeps one piece of state, ``state``: whether the mode is
/// set and whether a commit is in flight. Which frame is on screen is the
/// caller's business (the pipeline's buffer pool); the tag in each flip
/// event says which of the caller's buffers the flip put there.
///
/// A display is owned by one serial queue and is not thread-safe itself.
/// On the frame path (`show`, `handleEvents`) it allocates nothing.
public final class Display {
    /// Where the display is in its life.
    public enum State: Sendable, Equatable {
        /// Set up (or restored): nothing of ours is on screen; the next
        /// ``Display/show(framebuffer:tag:)`` sets the mode.
        case idle
        /// The modeset commit was issued; its event has not arrived.
        case modesetPending
        /// A frame of ours is on screen and no commit is in flight.
        case showing
        /// A page flip was issued; its event has not arrived.
        case flipPending
        /// Closed: the saved state is back and every framebuffer is removed.
        case closed
    }

    /// The card the display drives.
    public let card: Card
    /// Every plan the card could show the frames with, best first.
    public let candidates: [DisplayPlan]
    /// The plan in use (or to be used by the first frame): connector, mode,
    /// CRTC, plane, layout. The first candidate until one is selected or
    /// the first frame has found one the kernel takes.
    public internal(set) var plan: DisplayPlan
    /// Whether ``plan`` was settled (selected, or accepted by a TEST_ONLY).
    var planIsSettled = false
    /// Whether commits are atomic; false for cards without atomic or when
    /// legacy was forced.
    public let usesAtomic: Bool
    /// Whether the mode is set and whether a commit is in flight.
    public internal(set) var state: State = .idle
    /// The plane that shows the frames, once the first frame set the mode.
    public internal(set) var activePlane: PlaneInfo?
    /// The plans of a composition (several sources on one CRTC, one plane
    /// each, in z-order), once ``selectLayers(_:)`` settled them; empty for
    /// one frame on one plane.
    public internal(set) var layerPlans: [DisplayPlan] = []
    /// Which layers' planes show a framebuffer of ours (committed).
    var layersOn: [Bool] = []
    /// The reusable request of a composition's commits (capacity kept).
    var layerRequest = AtomicRequest()

    var propertyCache: PropertyIDCache?
    let saved: SavedDisplayState
    /// The mode blobs made so far, by mode; destroyed at close.
    var modeBlobs: [ModeTimings: BlobID] = [:]
    var framebuffers: [FramebufferID: ImportedFramebuffer] = [:]
    /// The reusable flip request and the slot of its FB_ID value, made by
    /// the atomic modeset.
    var flipRequest = AtomicRequest()
    var flipSlot: AtomicRequest.Slot?
    var holdsMaster = false
    private let events = FlipEventBuffer()
    /// The event of the last writeback snapshot commit.
    var snapshotEvent: FlipEvent?

    /// Whether a commit is in flight; ``show(framebuffer:tag:)`` refuses to
    /// commit until its event has been handled.
    public var isFlipPending: Bool { state == .modesetPending || state == .flipPending }

    /// Whether the mode is set (a frame of ours is, or is about to be, on screen).
    public var isModeSet: Bool { state == .modesetPending || state == .showing || state == .flipPending }

    /// The card's descriptor: readable when flip events are waiting. Watch
    /// it with a DispatchSource read source and call ``handleEvents(_:)``.
    public var fileDescriptor: Int32 { card.fd.rawValue }

    /// Sets up the display stage on `card` for `selection`; see
    /// ``init(card:info:selection:)``.
    public convenience init(card: Card, selection: DisplaySelection) throws {
        try self.init(card: card, info: card.describe(), selection: selection)
    }

    /// Plans the display from `info` (a fresh ``Card/describe()``), takes
    /// DRM master and saves the current state. Nothing on screen changes
    /// until the first ``show(framebuffer:tag:)``.
    ///
    /// - Throws: ``DisplayError`` when the selection cannot be met (listing
    ///   what the card offers) or another program holds DRM master;
    ///   `DeviceError` when reading the state fails. Master is dropped again
    ///   on failure.
    ///
    /// The corresponding calls are `drmSetMaster`, `drmModeObjectGetProperties`
    /// and `drmModeGetCrtc`.
    public convenience init(card: Card, info: CardInfo, selection: DisplaySelection) throws {
        let candidates = try DisplayPlanner.candidates(for: info, selection: selection)
        try self.init(card: card, info: info, candidates: candidates)
    }

    /// Sets up the display for `candidates` (``DisplayPlanner``'s lists,
    /// for one or several formats; they must share connector and CRTC):
    /// takes DRM master and saves the state of everything the candidates
    /// may touch. Nothing on screen changes until the first
    /// ``show(framebuffer:tag:)``.
    ///
    /// - Throws: `DisplayError.noCandidate` for an empty list; otherwise as
    ///   ``init(card:info:selection:)``.
    ///
    /// `alsoSaving`: more planes to save and put back (the planes several
    /// sources on one screen may take).
    public init(card: Card, info: CardInfo, candidates: [DisplayPlan], alsoSaving extraPlanes: [PlaneID] = []) throws {
        guard let plan = candidates.first else {
            throw DisplayError.noCandidate(device: card.path, selection: "any frame")
        }
        try Self.acquireMaster(card)
        do {
            var cache: PropertyIDCache?
            var savedConnectors: [ConnectorID] = []
            var planes = plan.planesOnCrtc
            for candidate in candidates {
                if let plane = candidate.plane?.id, !planes.contains(plane) { planes.append(plane) }
            }
            for plane in extraPlanes where !planes.contains(plane) { planes.append(plane) }
            if card.capabilities.atomic {
                var loading = PropertyIDCache(device: card.path)
                try loading.load(plan.crtc, from: card)
                for connector in info.connectors {
                    try loading.load(connector.id, from: card)
                    let routed = try loading.loadedValue(of: "CRTC_ID", on: connector.id) == UInt64(plan.crtc.rawValue)
                    if routed || connector.id == plan.connector.id || connector.id == plan.writeback?.id {
                        savedConnectors.append(connector.id)
                    }
                }
                for plane in planes {
                    try loading.load(plane, from: card)
                }
                cache = loading
            }
            saved = try SavedDisplayState.capture(
                card: card, info: info, cache: cache, crtc: plan.crtc, connectors: savedConnectors, planes: planes)
            propertyCache = cache
        } catch {
            Self.releaseMaster(card)
            throw error
        }
        self.card = card
        self.candidates = candidates
        self.plan = plan
        self.usesAtomic = card.capabilities.atomic && !plan.isLegacy
        self.holdsMaster = true
        logger.debug("display set up", metadata: [
            "device": "\(card.path)", "connector": "\(plan.connector.name)", "candidates": "\(candidates.count)",
            "crtc": "\(plan.crtc)", "atomic": "\(usesAtomic)",
        ])
    }

    deinit {
        for error in close() {
            logger.error("display teardown failed", metadata: ["device": "\(card.path)", "error": "\(error)"])
        }
    }

    // MARK: Showing frames

    /// Puts a framebuffer on screen at the next vblank.
    ///
    /// The first call sets the mode (TEST_ONLY first, then a commit with
    /// ALLOW_MODESET); later calls commit NONBLOCK|PAGE_FLIP_EVENT with only
    /// the plane's FB_ID changed. Each call produces one flip event whose
    /// ``FlipEvent/tag`` is `tag` (a caller's buffer index, say).
    ///
    /// - Throws: `DisplayError.flipPending` ("busy") while the previous
    ///   commit's event has not been handled; `DisplayError.configurationRejected`
    ///   when no plane candidate passes TEST_ONLY (naming each attempt);
    ///   `DeviceError` when a commit fails.
    ///
    /// The corresponding ioctls are `DRM_IOCTL_MODE_ATOMIC`, or on the legacy
    /// path `drmModeSetCrtc` and `drmModePageFlip`.
    public func show(framebuffer id: FramebufferID, tag: UInt32) throws {
        switch state {
        case .closed: throw DisplayError.closed(device: card.path)
        case .modesetPending, .flipPending: throw DisplayError.flipPending(device: card.path)
        case .idle, .showing: break
        }
        guard let framebuffer = framebuffers[id] else {
            throw DisplayError.unknownFramebuffer(id, device: card.path)
        }
        let neededWidth = plan.layout.source.x + plan.layout.source.width
        let neededHeight = plan.layout.source.y + plan.layout.source.height
        guard framebuffer.width >= neededWidth, framebuffer.height >= neededHeight else {
            throw DisplayError.framebufferTooSmall(
                id, width: framebuffer.width, height: framebuffer.height,
                neededWidth: neededWidth, neededHeight: neededHeight, device: card.path)
        }
        let userData = FlipPurpose.show.userData(tag: tag)
        if state == .idle {
            if usesAtomic {
                try setModeAtomically(showing: framebuffer, userData: userData)
            } else {
                try setModeWithLegacyCalls(showing: framebuffer, userData: userData)
            }
            state = .modesetPending
            return
        }
        if usesAtomic {
            guard let flipSlot else { throw DisplayError.closed(device: card.path) }
            flipRequest.update(flipSlot, to: UInt64(id.rawValue))
            try card.commit(flipRequest, flags: .pageFlip, userData: userData)
        } else {
            try pageFlip(to: id, userData: userData)
        }
        state = .flipPending
    }

    // MARK: Events

    /// Reads the flip events waiting on ``fileDescriptor`` and calls `body`
    /// for each, in order. Returns how many were delivered (0 when nothing
    /// was waiting: the descriptor is non-blocking). Allocates nothing.
    ///
    /// The corresponding call is `drmHandleEvent`.
    @discardableResult
    public func handleEvents(_ body: (FlipEvent) -> Void) throws -> Int {
        let count = try events.read(from: fileDescriptor, device: card.path, drm: card.drm)
        var delivered = 0
        for index in 0..<count {
            let raw = events[index]
            let (purpose, tag) = FlipPurpose.decode(raw.userData)
            let event = FlipEvent(
                sequence: raw.sequence,
                timestampNanoseconds: FlipEvent.nanoseconds(seconds: raw.seconds, microseconds: raw.microseconds),
                crtc: raw.crtc != 0 ? CrtcID(raw.crtc) : plan.crtc,
                tag: tag)
            switch purpose {
            case .show:
                if isFlipPending { state = .showing }
                body(event)
                delivered += 1
            case .snapshot:
                snapshotEvent = event
            case nil:
                continue
            }
        }
        return delivered
    }

    /// Waits up to `timeoutMilliseconds` for the descriptor to become
    /// readable, then handles what arrived. For tools and tests; a pipeline
    /// uses a DispatchSource instead.
    @discardableResult
    public func waitForEvents(timeoutMilliseconds: Int, _ body: (FlipEvent) -> Void) throws -> Int {
        guard try card.fd.waitReadable(timeoutMilliseconds: timeoutMilliseconds) else { return 0 }
        return try handleEvents(body)
    }

    /// Waits (at most `timeoutMilliseconds`) for the commit in flight to
    /// complete; events that arrive meanwhile update the state but go to
    /// no one.
    func settlePendingFlip(timeoutMilliseconds: Int) throws {
        let deadline = monotonicMilliseconds() + timeoutMilliseconds
        while isFlipPending {
            let remaining = deadline - monotonicMilliseconds()
            if remaining <= 0 { return }
            try waitForEvents(timeoutMilliseconds: remaining) { _ in }
        }
    }
}
