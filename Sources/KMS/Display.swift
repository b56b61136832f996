import CDRM
import Platform

#if canImport(Glibc)
import Glibc
#endif

/// The display stage: shows imported framebuffers on one plane of one CRTC,
/// one flip at a time, and reports each completed flip.
///
/// Setting up takes DRM master and saves the display state found (for
/// example fbdev's console); ``close()`` (or releasing the display) puts it
/// back, removes every framebuffer the display added and drops master.
///
/// The first ``show(framebuffer:)`` sets the mode, trying the plane
/// candidates of the ``DisplayPlan`` with TEST_ONLY commits until one is
/// accepted; later calls flip with a non-blocking commit that changes only
/// the plane's FB_ID. Each call leads to exactly one ``FlipEvent`` naming the
/// framebuffer, delivered by ``handleEvents(_:)`` once the card's descriptor
/// (``fileDescriptor``) is readable.
///
/// A display is owned by one serial queue and is not thread-safe itself.
/// On the frame path (`show`, `handleEvents`) it allocates nothing.
public final class Display {
    public let card: Card
    /// What was chosen: connector, mode, CRTC, plane candidates, layout.
    public let plan: DisplayPlan
    /// Whether commits are atomic; false for cards without atomic or when
    /// legacy was forced.
    public let usesAtomic: Bool
    /// The plane that shows the frames, once the first frame set the mode.
    public private(set) var activePlane: PlaneInfo?
    /// The framebuffer whose flip event arrived last.
    public private(set) var framebufferOnScreen: FramebufferID?
    /// The framebuffer of the commit whose flip event has not arrived.
    public private(set) var pendingFramebuffer: FramebufferID?
    public private(set) var isClosed = false

    var propertyCache: PropertyIDCache?
    private let saved: SavedDisplayState
    private let useModifiers: Bool
    private var modeBlob: BlobID?
    private var framebuffers: [FramebufferID: ImportedFramebuffer] = [:]
    private var flipRequest = AtomicRequest()
    private var flipSlot: AtomicRequest.Slot?
    var isModeSet = false
    /// Whether anything was committed since the state was saved (or restored).
    var needsRestore = false
    var writebackAttached = false
    private var holdsMaster = false
    private let events = FlipEventBuffer()
    var snapshotEvent: FlipEvent?

    /// Whether a flip is in flight; ``show(framebuffer:)`` refuses to
    /// commit until its event has been handled.
    public var isFlipPending: Bool { pendingFramebuffer != nil }

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
    /// until the first ``show(framebuffer:)``.
    ///
    /// - Throws: ``DisplayError`` when the selection cannot be met (listing
    ///   what the card offers) or another program holds DRM master;
    ///   `DeviceError` when reading the state fails. Master is dropped again
    ///   on failure.
    ///
    /// The corresponding calls are `drmSetMaster`, `drmModeObjectGetProperties`
    /// and `drmModeGetCrtc`.
    public init(card: Card, info: CardInfo, selection: DisplaySelection) throws {
        let plan = try DisplayPlan.make(for: info, selection: selection)
        try Self.acquireMaster(card)
        do {
            var cache: PropertyIDCache?
            var savedConnectors: [ConnectorID] = []
            let planes = plan.planesOnCrtc + plan.planes.map(\.id).filter { !plan.planesOnCrtc.contains($0) }
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
        self.plan = plan
        self.usesAtomic = card.capabilities.atomic && !plan.isLegacy
        self.holdsMaster = true
        // Explicit modifiers only if every candidate plane lists them for
        // the format (the plane is picked later, after the import).
        self.useModifiers = card.capabilities.addFramebuffer2Modifiers && !plan.planes.isEmpty && plan.planes.allSatisfy { plane in
            plane.formats.first { $0.format == selection.format }.map { !$0.modifiers.isEmpty } ?? false
        }
        logger.debug("display set up", metadata: [
            "device": "\(card.path)", "connector": "\(plan.connector.name)", "mode": "\(plan.mode)",
            "crtc": "\(plan.crtc)", "planes": "\(plan.planes.map(\.id))", "layout": "\(plan.layout)",
            "atomic": "\(usesAtomic)",
        ])
    }

    deinit {
        for error in close() {
            logger.error("display teardown failed", metadata: ["device": "\(card.path)", "error": "\(error)"])
        }
    }

    // MARK: Framebuffers

    /// Imports frames shared as dma-bufs (one per plane; planes may share
    /// one) as a framebuffer this display owns and removes at close. Nothing
    /// is mapped or copied.
    ///
    /// The corresponding calls are `drmPrimeFDToHandle` and
    /// `drmModeAddFB2WithModifiers` or `drmModeAddFB2`.
    public func importFramebuffer(_ layout: FramebufferLayout) throws -> FramebufferID {
        guard !isClosed else { throw DisplayError.closed(device: card.path) }
        let framebuffer = try card.importFramebuffer(layout, useModifiers: useModifiers)
        framebuffers[framebuffer.id] = framebuffer
        return framebuffer.id
    }

    /// Takes ownership of a framebuffer made elsewhere (for example
    /// ``DumbBuffer/addFramebuffer(format:)``): the display removes it at close.
    public func adopt(_ framebuffer: ImportedFramebuffer) throws -> FramebufferID {
        guard !isClosed else { throw DisplayError.closed(device: card.path) }
        framebuffers[framebuffer.id] = framebuffer
        return framebuffer.id
    }

    /// The framebuffers this display owns.
    public var ownedFramebuffers: [ImportedFramebuffer] { Array(framebuffers.values) }

    /// Removes a framebuffer that is neither on screen nor about to be.
    ///
    /// The corresponding calls are `drmModeRmFB` and `DRM_IOCTL_GEM_CLOSE`.
    public func removeFramebuffer(_ id: FramebufferID) throws {
        guard let framebuffer = framebuffers[id] else { throw DisplayError.unknownFramebuffer(id, device: card.path) }
        if id == framebufferOnScreen || id == pendingFramebuffer {
            throw DisplayError.framebufferInUse(id, device: card.path)
        }
        framebuffers[id] = nil
        try card.removeFramebuffer(framebuffer)
    }

    // MARK: Showing frames

    /// Puts a framebuffer on screen at the next vblank.
    ///
    /// The first call sets the mode (TEST_ONLY first, then a blocking commit
    /// with ALLOW_MODESET); later calls commit NONBLOCK|PAGE_FLIP_EVENT with
    /// only the plane's FB_ID changed. Each call produces one flip event
    /// whose ``FlipEvent/framebuffer`` is `id`.
    ///
    /// - Throws: `DisplayError.flipPending` ("busy") while the previous
    ///   flip's event has not been handled; `DisplayError.configurationRejected`
    ///   when no plane candidate passes TEST_ONLY (naming each attempt);
    ///   `DeviceError` when a commit fails.
    ///
    /// The corresponding ioctls are `DRM_IOCTL_MODE_ATOMIC`, or on the legacy
    /// path `drmModeSetCrtc` and `drmModePageFlip`.
    public func show(framebuffer id: FramebufferID) throws {
        guard !isClosed else { throw DisplayError.closed(device: card.path) }
        if let pending = pendingFramebuffer {
            throw DisplayError.flipPending(device: card.path, framebuffer: pending)
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
        guard isModeSet else {
            if usesAtomic {
                try setModeAtomically(showing: framebuffer)
            } else {
                try setModeWithLegacyCalls(showing: framebuffer)
            }
            return
        }
        if usesAtomic, let flipSlot {
            flipRequest.update(flipSlot, to: UInt64(id.rawValue))
            try card.commit(flipRequest, flags: .pageFlip, userData: FlipPurpose.show.userData(id))
        } else {
            try pageFlip(to: id)
        }
        pendingFramebuffer = id
    }

    /// Tries each plane candidate (and, when other planes are on the CRTC,
    /// first with them turned off so nothing covers the frame, then with
    /// them kept) with a TEST_ONLY commit, and commits the first accepted.
    private func setModeAtomically(showing framebuffer: ImportedFramebuffer) throws {
        guard let cache = propertyCache else { throw DisplayError.closed(device: card.path) }
        let blob: BlobID
        if let modeBlob {
            blob = modeBlob
        } else {
            blob = try card.createBlob(plan.mode.timings.modeBlobBytes)
            modeBlob = blob
        }
        var attempts: [String] = []
        for plane in plan.planes {
            let others = plan.planesOnCrtc.filter { $0 != plane.id }
            for turningOthersOff in others.isEmpty ? [true] : [true, false] {
                let request = try modesetRequest(
                    plane: plane.id, framebuffer: framebuffer.id, modeBlob: blob,
                    planesOff: turningOthersOff ? others : [], cache: cache)
                let attempt = describeAttempt(plane: plane, framebuffer: framebuffer, keepingOthers: !turningOthersOff && !others.isEmpty)
                if let rejection = try testCommit(request) {
                    attempts.append("\(attempt): \(errnoName(rejection.errnoCode))")
                    logger.debug("layout rejected", metadata: ["device": "\(card.path)", "attempt": "\(attempt)", "error": "\(rejection)"])
                    continue
                }
                try card.commit(request, flags: [.allowModeset, .pageFlipEvent], userData: FlipPurpose.show.userData(framebuffer.id))
                needsRestore = true
                isModeSet = true
                activePlane = plane
                pendingFramebuffer = framebuffer.id
                var flip = AtomicRequest()
                flipSlot = flip.set(plane.id, try cache.id(of: "FB_ID", on: plane.id), to: UInt64(framebuffer.id.rawValue))
                flipRequest = flip
                logger.debug("mode set", metadata: ["device": "\(card.path)", "layout": "\(attempt)"])
                return
            }
        }
        throw DisplayError.configurationRejected(device: card.path, attempts: attempts)
    }

    /// Runs a TEST_ONLY|ALLOW_MODESET commit. Returns nil when the kernel
    /// accepts the request and the error when it says "not this layout"
    /// (EINVAL, ERANGE, ENOSPC, EOPNOTSUPP); throws the errors that mean
    /// "not at all" (EACCES without master, ENODEV, ENOMEM).
    private func testCommit(_ request: AtomicRequest) throws(DeviceError) -> DeviceError? {
        do {
            try card.commit(request, flags: [.testOnly, .allowModeset])
            return nil
        } catch {
            guard [EINVAL, ERANGE, ENOSPC, EOPNOTSUPP].contains(error.errnoCode) else { throw error }
            return error
        }
    }

    private func modesetRequest(
        plane: PlaneID, framebuffer: FramebufferID, modeBlob: BlobID, planesOff: [PlaneID], cache: PropertyIDCache
    ) throws -> AtomicRequest {
        let crtc = UInt64(plan.crtc.rawValue)
        let layout = plan.layout
        var request = AtomicRequest()
        try request.set(plan.connector.id, "CRTC_ID", to: crtc, using: cache)
        try request.set(plan.crtc, "MODE_ID", to: UInt64(modeBlob.rawValue), using: cache)
        try request.set(plan.crtc, "ACTIVE", to: 1, using: cache)
        try request.set(plane, "FB_ID", to: UInt64(framebuffer.rawValue), using: cache)
        try request.set(plane, "CRTC_ID", to: crtc, using: cache)
        // Source coordinates are 16.16 fixed point; CRTC ones whole pixels.
        try request.set(plane, "SRC_X", to: UInt64(layout.source.x) << 16, using: cache)
        try request.set(plane, "SRC_Y", to: UInt64(layout.source.y) << 16, using: cache)
        try request.set(plane, "SRC_W", to: UInt64(layout.source.width) << 16, using: cache)
        try request.set(plane, "SRC_H", to: UInt64(layout.source.height) << 16, using: cache)
        try request.set(plane, "CRTC_X", to: UInt64(layout.destination.x), using: cache)
        try request.set(plane, "CRTC_Y", to: UInt64(layout.destination.y), using: cache)
        try request.set(plane, "CRTC_W", to: UInt64(layout.destination.width), using: cache)
        try request.set(plane, "CRTC_H", to: UInt64(layout.destination.height), using: cache)
        for other in planesOff {
            try request.set(other, "FB_ID", to: 0, using: cache)
            try request.set(other, "CRTC_ID", to: 0, using: cache)
        }
        return request
    }

    /// "plane 31 (primary) fb 640x480 XR24 src 640x480+0+0 -> crtc
    /// 640x480+192+144, mode 1024x768@60.004Hz (preferred), CRTC 37,
    /// connector Virtual-1".
    private func describeAttempt(plane: PlaneInfo, framebuffer: ImportedFramebuffer, keepingOthers: Bool) -> String {
        var text = "plane \(plane.id) (\(plane.type.rawValue)) fb \(framebuffer.width)x\(framebuffer.height) \(framebuffer.format) "
            + "\(plan.layout), mode \(plan.mode), CRTC \(plan.crtc), connector \(plan.connector.name)"
        if keepingOthers { text += ", other planes kept" }
        return text
    }

    /// The legacy modeset: `drmModeSetCrtc` puts the framebuffer on the
    /// primary plane (panned to the layout's source offset). It sends no
    /// event, so a flip to the same framebuffer follows: every `show` ends
    /// in one flip event on both paths.
    private func setModeWithLegacyCalls(showing framebuffer: ImportedFramebuffer) throws {
        let descriptor = fileDescriptor
        var connector = plan.connector.id.rawValue
        var mode = plan.mode.timings.kernelModeInfo
        let crtc = plan.crtc.rawValue
        let x = UInt32(plan.layout.source.x), y = UInt32(plan.layout.source.y)
        try checkedCall("drmModeSetCrtc", device: card.path) {
            card.kernel.drmModeSetCrtc(descriptor, crtc, framebuffer.id.rawValue, x, y, &connector, 1, &mode)
        }
        needsRestore = true
        isModeSet = true
        activePlane = plan.planes.first
        try pageFlip(to: framebuffer.id)
        pendingFramebuffer = framebuffer.id
    }

    /// The corresponding call is `drmModePageFlip` with `DRM_MODE_PAGE_FLIP_EVENT`.
    private func pageFlip(to id: FramebufferID) throws(DeviceError) {
        let descriptor = fileDescriptor
        let crtc = plan.crtc.rawValue
        let userData = UnsafeMutableRawPointer(bitPattern: UInt(FlipPurpose.show.userData(id)))
        try checkedCall("drmModePageFlip", device: card.path) {
            card.kernel.drmModePageFlip(descriptor, crtc, id.rawValue, UInt32(DRM_MODE_PAGE_FLIP_EVENT), userData)
        }
    }

    // MARK: Events

    /// Reads the flip events waiting on ``fileDescriptor`` and calls `body`
    /// for each, in order. Returns how many were delivered (0 when nothing
    /// was waiting: the descriptor is non-blocking). Allocates nothing.
    ///
    /// The corresponding call is `drmHandleEvent`.
    @discardableResult
    public func handleEvents(_ body: (FlipEvent) -> Void) throws -> Int {
        let count = try events.read(from: fileDescriptor, device: card.path, kernel: card.kernel)
        var delivered = 0
        for index in 0..<count {
            let raw = events[index]
            let (purpose, framebuffer) = FlipPurpose.decode(raw.userData)
            let event = FlipEvent(
                sequence: raw.sequence,
                timestampNanoseconds: FlipEvent.nanoseconds(seconds: raw.seconds, microseconds: raw.microseconds),
                crtc: raw.crtc != 0 ? CrtcID(raw.crtc) : plan.crtc,
                framebuffer: framebuffer)
            switch purpose {
            case .show:
                pendingFramebuffer = nil
                framebufferOnScreen = framebuffer
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

    /// Waits (at most `timeoutMilliseconds`) for the pending flip's event;
    /// events that arrive meanwhile update the state but go to no one.
    func settlePendingFlip(timeoutMilliseconds: Int) throws {
        let deadline = monotonicMilliseconds() + timeoutMilliseconds
        while pendingFramebuffer != nil {
            let remaining = deadline - monotonicMilliseconds()
            if remaining <= 0 { return }
            try waitForEvents(timeoutMilliseconds: remaining) { _ in }
        }
    }

    // MARK: Teardown

    /// Puts back the display state found at setup with one commit (which may
    /// modeset), after waiting up to 100 ms for a pending flip. The next
    /// ``show(framebuffer:)`` sets the mode again.
    public func restore() throws {
        guard !isClosed else { throw DisplayError.closed(device: card.path) }
        try restoreSavedState()
    }

    private func restoreSavedState() throws {
        try settlePendingFlip(timeoutMilliseconds: 100)
        guard needsRestore else { return }
        let planesToClear = activePlane.map { [$0.id] } ?? []
        // Whatever happens now, the display no longer shows our frames as
        // far as this object is concerned.
        needsRestore = false
        isModeSet = false
        writebackAttached = false
        activePlane = nil
        framebufferOnScreen = nil
        pendingFramebuffer = nil
        flipSlot = nil
        try saved.restore(card: card, cache: propertyCache, planesToClear: planesToClear)
    }

    /// Ends the display: waits (bounded) for a pending flip, restores the
    /// saved state, removes every framebuffer it owns (closing each distinct
    /// GEM handle once), destroys its mode blob and drops DRM master.
    /// Idempotent; a card that has gone away (ENODEV) is not an error.
    ///
    /// - Returns: the errors met, in order; every step runs regardless.
    @discardableResult
    public func close() -> [any Error] {
        guard !isClosed else { return [] }
        isClosed = true
        var errors: [any Error] = []
        func attempt(_ body: () throws -> Void) {
            do {
                try body()
            } catch let error as DeviceError where error.errnoCode == ENODEV {
                // Unplugged: the kernel has let go of everything.
            } catch {
                errors.append(error)
            }
        }
        attempt { try restoreSavedState() }
        if let modeBlob {
            attempt { try card.destroyBlob(modeBlob) }
            self.modeBlob = nil
        }
        for framebuffer in framebuffers.values.sorted(by: { $0.id.rawValue < $1.id.rawValue }) {
            attempt { try card.removeFramebuffer(framebuffer) }
        }
        framebuffers.removeAll()
        if holdsMaster {
            holdsMaster = false
            attempt { try Self.dropMaster(card) }
        }
        return errors
    }

    // MARK: DRM master

    /// The corresponding call is `drmSetMaster`.
    private static func acquireMaster(_ card: Card) throws(DisplayError) {
        let descriptor = card.fd.rawValue
        do {
            try checkedCall("drmSetMaster", device: card.path) { card.kernel.drmSetMaster(descriptor) }
        } catch {
            throw .masterHeld(device: card.path, errnoCode: error.errnoCode)
        }
    }

    /// The corresponding call is `drmDropMaster`.
    private static func dropMaster(_ card: Card) throws(DeviceError) {
        let descriptor = card.fd.rawValue
        try checkedCall("drmDropMaster", device: card.path) { card.kernel.drmDropMaster(descriptor) }
    }

    private static func releaseMaster(_ card: Card) {
        try? dropMaster(card)
    }
}
