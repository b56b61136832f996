import Platform

/// The display stage: shows imported framebuffers on one plane of one CRTC,
/// or several sources on several planes (``showLayers(_:tag:)``), one
/// commit at a time, and reports each completed flip.
///
/// Setting up takes DRM master and saves the state found (fbdev's console,
/// say); ``close()`` (or release) puts it back, removes every framebuffer
/// the display added and drops master. The first frame sets the mode, with
/// the plan the caller settled on (``test(_:framebuffer:)``, ``select(_:)``)
/// or the first of the ``candidates`` TEST_ONLY accepts; later frames flip
/// with a non-blocking commit of the plane's FB_ID. Each commit leads to one
/// ``FlipEvent`` carrying the caller's tag (which of its buffers is now on
/// screen), delivered by ``handleEvents(_:)`` when ``fileDescriptor`` is readable.
///
/// A facade over one type per responsibility: ``DisplayOwnership`` (master,
/// the state found, restore), ``AtomicCommitBuilder`` (the commits; one
/// frame is a composition of one layer), ``LegacyDisplayPath``,
/// ``FlipStateMachine`` (``state``, events), ``DisplayFramebuffers`` and
/// ``WritebackCapture``. Owned by one serial queue, not thread-safe itself;
/// the frame path (`show`, `showLayers`, `handleEvents`) allocates nothing.
package final class Display {
    /// Where the display is in its life.
    package typealias State = DisplayState

    /// The card the display drives.
    package let card: Card
    /// Every plan the card could show the frames with, best first.
    package let candidates: [DisplayPlan]
    /// The plan in use (or to be used by the first frame): the first
    /// candidate until one is selected or accepted by TEST_ONLY.
    package internal(set) var plan: DisplayPlan
    /// Whether ``plan`` was settled (selected, or accepted by a TEST_ONLY).
    var planIsSettled = false
    /// Whether commits are atomic (not for cards without it, nor when legacy is forced).
    package let usesAtomic: Bool
    /// The plane that shows the frames, once the first frame set the mode
    /// (nil for a composition: see ``layerPlans``).
    package internal(set) var activePlane: PlaneInfo?
    /// The plans of a composition (one plane per source, in z-order) once
    /// ``selectLayers(_:)`` settled them; empty for one frame on one plane.
    package internal(set) var layerPlans: [DisplayPlan] = []
    /// Master and the state found, given back at close.
    var ownership: DisplayOwnership
    /// The commits, atomic or (the other nil) legacy.
    let atomic: AtomicCommitBuilder?
    let legacy: LegacyDisplayPath?
    /// The state and the flip events.
    let flips: FlipStateMachine
    /// The framebuffers the display removes at close.
    var framebuffers: DisplayFramebuffers

    /// Whether the mode is set and whether a commit is in flight.
    package var state: State { flips.state }

    /// Whether a commit is in flight (a new one is refused until its event is handled).
    package var isFlipPending: Bool { flips.isCommitPending }

    /// Whether the mode is set (a frame of ours is, or is about to be, on screen).
    package var isModeSet: Bool { flips.isModeSet }

    /// The card's descriptor, readable when flip events wait for ``handleEvents(_:)``.
    package var fileDescriptor: Int32 { card.fd.rawValue }

    /// Sets up the display stage on `card` for `selection`; see
    /// ``init(card:info:selection:)``.
    package convenience init(card: Card, selection: DisplaySelection) throws {
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
    package convenience init(card: Card, info: CardInfo, selection: DisplaySelection) throws {
        let candidates = try DisplayPlanner.candidates(for: info, selection: selection)
        try self.init(card: card, info: info, candidates: candidates)
    }

    /// Sets up the display for `candidates` (``DisplayPlanner``'s lists,
    /// for one or several formats, sharing connector and CRTC): takes DRM
    /// master and saves the state of everything the candidates, and the
    /// planes `alsoSaving` (those several sources may take), may touch.
    ///
    /// - Throws: `DisplayError.noCandidate` for an empty list; otherwise as
    ///   ``init(card:info:selection:)``.
    package init(card: Card, info: CardInfo, candidates: [DisplayPlan], alsoSaving extraPlanes: [PlaneID] = []) throws {
        guard let plan = candidates.first else {
            throw DisplayError.noCandidate(device: card.path, selection: "any frame")
        }
        ownership = try DisplayOwnership(card: card, info: info, plan: plan, candidates: candidates, alsoSaving: extraPlanes)
        self.card = card
        self.candidates = candidates
        self.plan = plan
        usesAtomic = card.capabilities.atomic && !plan.isLegacy
        if usesAtomic, let cache = ownership.propertyCache {
            atomic = AtomicCommitBuilder(card: card, cache: cache, found: ownership.saved)
            legacy = nil
        } else {
            atomic = nil
            legacy = LegacyDisplayPath(card: card)
        }
        flips = FlipStateMachine(card: card)
        framebuffers = DisplayFramebuffers(card: card)
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

    /// Puts a framebuffer on screen at the next vblank (``showLayers(_:tag:)``
    /// with one layer, the plan's). The first call sets the mode (TEST_ONLY
    /// first unless settled, then ALLOW_MODESET); later calls commit
    /// NONBLOCK|PAGE_FLIP_EVENT with only the plane's FB_ID. Each call leads
    /// to one flip event whose ``FlipEvent/tag`` is `tag`.
    ///
    /// - Throws: `DisplayError.flipPending` ("busy") while the previous
    ///   commit's event has not been handled; `DisplayError.configurationRejected`
    ///   when no plane candidate passes TEST_ONLY (naming each attempt);
    ///   `DeviceError` when a commit fails.
    ///
    /// The corresponding ioctls are `DRM_IOCTL_MODE_ATOMIC`, or on the legacy
    /// path `drmModeSetCrtc` and `drmModePageFlip`.
    package func show(framebuffer id: FramebufferID, tag: UInt32) throws {
        try flips.checkCanCommit()
        try framebuffers.check(id, covers: plan.layout)
        try commit(CollectionOfOne(LayerChange(layer: 0, framebuffer: id)), tag: tag)
    }

    /// The one path of every commit, each ending in one flip event carrying
    /// `tag`: atomically the first sets the mode (``setMode(_:_:userData:)``)
    /// and later ones carry `changes` with NONBLOCK|PAGE_FLIP_EVENT; on the
    /// legacy path `drmModeSetCrtc` and a `drmModePageFlip` to the same
    /// framebuffer (it sends no event), then `drmModePageFlip`s.
    func commit(_ changes: some Collection<LayerChange>, tag: UInt32) throws {
        try flips.checkCanCommit()
        let userData = FlipPurpose.show.userData(tag: tag)
        if let atomic {
            if flips.state == .idle {
                try setMode(atomic, changes, userData: userData)
                return flips.modesetIssued()
            }
            try atomic.prepareFrame(changes)
            try card.commit(atomic.frameRequest, flags: .pageFlip, userData: userData)
            atomic.frameCommitted(changes)
            return flips.flipIssued()
        }
        guard let legacy, let framebuffer = changes.first(where: { $0.layer == 0 })?.framebuffer else {
            throw DisplayError.noCandidate(device: card.path, selection: "a legacy commit without a framebuffer")
        }
        guard flips.state == .idle else {
            try legacy.pageFlip(plan.crtc, to: framebuffer, userData: userData)
            return flips.flipIssued()
        }
        planIsSettled = true
        try legacy.setMode(plan, showing: framebuffer)
        activePlane = plan.plane
        // Our frame is on screen: restore must run even if the flip fails.
        flips.shownWithoutEvent()
        try legacy.pageFlip(plan.crtc, to: framebuffer, userData: userData)
        flips.modesetIssued()
    }

    // MARK: Events, vblanks, writeback

    /// Reads the flip events waiting on ``fileDescriptor`` and calls `body`
    /// for each, in order. Returns how many were delivered (0 when nothing
    /// was waiting: the descriptor is non-blocking). Allocates nothing.
    ///
    /// The corresponding call is `drmHandleEvent`.
    @discardableResult
    package func handleEvents(_ body: (FlipEvent) -> Void) throws -> Int {
        try flips.handleEvents(crtc: plan.crtc, body)
    }

    /// Waits up to `timeoutMilliseconds` for the descriptor to become
    /// readable, then handles what arrived. For tools and tests; a pipeline
    /// uses a DispatchSource instead.
    @discardableResult
    package func waitForEvents(timeoutMilliseconds: Int, _ body: (FlipEvent) -> Void) throws -> Int {
        try flips.waitForEvents(timeoutMilliseconds: timeoutMilliseconds, crtc: plan.crtc, body)
    }

    /// The count and CLOCK_MONOTONIC time (ns) of the last vblank of the
    /// plan's CRTC. The CRTC must be on (its vblanks running).
    ///
    /// The corresponding ioctl is `DRM_IOCTL_CRTC_GET_SEQUENCE`.
    package func lastVblank() throws -> (sequence: UInt64, nanoseconds: Int64) {
        try card.lastVblank(of: plan.crtc)
    }

    /// Captures what the CRTC shows now through the card's writeback
    /// connector: see ``WritebackCapture``.
    ///
    /// - Throws: `DisplayError.writebackUnavailable` (no writeback
    ///   connector, legacy path, nothing shown yet, XRGB8888 not offered),
    ///   `DisplayError.flipPending` while a flip is in flight,
    ///   `DisplayError.writebackTimedOut`, or the failing call's `DeviceError`.
    package func captureWriteback(timeoutMilliseconds: Int = 1000) throws -> WritebackSnapshot {
        try flips.checkOpen()
        guard let atomic else { throw DisplayError.writebackUnavailable(device: card.path, reason: "writeback needs the atomic API") }
        return try WritebackCapture(card: card, cache: atomic.cache, plan: plan).capture(timeoutMilliseconds: timeoutMilliseconds, flips: flips)
    }
}
