import Platform

/// The atomic commits of one display, built: the first, which sets the
/// mode (or keeps the one found) with every layer that has a frame and the
/// planes that go off, and those after it, which carry only what changes.
///
/// A display of one source is a composition of one layer: both go through
/// here. Every commit after the first fills one reused request
/// (``frameRequest``), and when a commit changes one layer's framebuffer
/// and nothing else (every frame of one source) only the FB_ID value is
/// rewritten in place, at the slot kept from the last build: the frame path
/// neither allocates nor looks anything up.
///
/// It also makes the property blob of each mode (once) and gives the blobs
/// up at close.
final class AtomicCommitBuilder {
    let card: Card
    /// The ids of the properties of every object the display may touch.
    let cache: PropertyIDCache
    /// The state found at setup: whether the CRTC already shows a plan's mode.
    private let found: SavedDisplayState
    private var modeBlobs: [ModeTimings: BlobID] = [:]
    /// The plans of the layers the first commit set, in z-order.
    private(set) var layers: [DisplayPlan] = []
    /// Which of ``layers`` show a framebuffer of ours (committed).
    private(set) var layersOn: [Bool] = []
    /// The request of every commit after the first (its storage kept).
    private(set) var frameRequest = AtomicRequest()
    /// The layer whose FB_ID alone ``frameRequest`` holds, and where.
    private var frameSlot: (layer: Int, slot: AtomicRequest.Slot)?

    init(card: Card, cache: PropertyIDCache, found: SavedDisplayState) {
        self.card = card
        self.cache = cache
        self.found = found
    }

    // MARK: The first commit

    /// The full state of `layers` (one connector, mode and CRTC): the mode,
    /// unless the CRTC was found showing it; each layer's plane showing its
    /// framebuffer as its plan's layout says, or off without one; and off,
    /// for a `composition` every other plane of the CRTC, else the plan's
    /// ``DisplayPlan/planesTurnedOff``.
    func request(for layers: [DisplayLayer], composition: Bool) throws -> AtomicRequest {
        guard let first = layers.first?.plan else { throw DisplayError.noCandidate(device: card.path, selection: "no layers") }
        let blob = try modeBlob(for: first.mode)
        var request = AtomicRequest()
        if !found.showsMode(of: first) {
            try request.set(first.connector.id, "CRTC_ID", to: UInt64(first.crtc.rawValue), using: cache)
            try request.set(first.crtc, "MODE_ID", to: UInt64(blob.rawValue), using: cache)
            try request.set(first.crtc, "ACTIVE", to: 1, using: cache)
        }
        var used: [PlaneID] = []
        for layer in layers {
            guard layer.plan.crtc == first.crtc, layer.plan.mode == first.mode, let plane = layer.plan.plane?.id else {
                throw DisplayError.noCandidate(device: card.path, selection: "layers on one CRTC in one mode, each on a plane")
            }
            used.append(plane)
            if let framebuffer = layer.framebuffer {
                try setPlane(plane, in: &request, plan: layer.plan, framebuffer: framebuffer)
            } else {
                try turnOff(plane, in: &request)
            }
        }
        for other in composition ? first.planesOnCrtc.filter({ !used.contains($0) }) : first.planesTurnedOff {
            try turnOff(other, in: &request)
        }
        return request
    }

    /// The first commit's layers and request: `plans` (one layer, or a
    /// composition's) showing `changes`. What is asked first with TEST_ONLY
    /// (ALLOW_MODESET): with `candidates` (one layer whose plan is not
    /// settled) each candidate in order, the first the kernel takes
    /// winning; a composition as a whole; a settled plan nothing (whoever
    /// settled it asked).
    ///
    /// - Throws: `DisplayError.configurationRejected` naming each attempt
    ///   and its errno when the kernel takes none; errors that mean "not at
    ///   all" (no master, ENODEV) as they are.
    func firstRequest(
        _ changes: some Collection<LayerChange>, plans: [DisplayPlan], composition: Bool, searching candidates: [DisplayPlan]?
    ) throws -> (layers: [DisplayLayer], request: AtomicRequest) {
        func layers(_ plans: [DisplayPlan]) -> [DisplayLayer] {
            var layers = plans.map { DisplayLayer(plan: $0, framebuffer: nil) }
            for change in changes where layers.indices.contains(change.layer) {
                layers[change.layer].framebuffer = change.framebuffer
            }
            return layers
        }
        let attempts: [(layers: [DisplayLayer], name: String)]
        if let candidates {
            attempts = candidates.map { (layers([$0]), "\($0)") }
        } else if composition {
            attempts = [(layers(plans), "\(plans.count) layers")]
        } else {
            let shown = layers(plans)
            return (shown, try request(for: shown, composition: false))
        }
        var refusals: [String] = []
        for attempt in attempts {
            let request = try request(for: attempt.layers, composition: composition)
            if let refusal = try card.testCommit(request) {
                refusals.append("\(attempt.name): \(errnoName(refusal.errnoCode))")
                logger.debug("plan rejected", metadata: ["device": "\(card.path)", "plan": "\(attempt.name)", "error": "\(refusal)"])
                continue
            }
            return (attempt.layers, request)
        }
        throw DisplayError.configurationRejected(device: card.path, attempts: refusals)
    }

    /// The first commit, showing `layers`, was issued: later commits change
    /// them. The frame request is made ready for the first layer's next
    /// framebuffer (allocated here, once, not on the frame path).
    func firstCommitted(_ layers: [DisplayLayer]) {
        self.layers = layers.map(\.plan)
        layersOn = layers.map { $0.framebuffer != nil }
        frameRequest.removeAll()
        frameSlot = nil
        guard let index = layers.firstIndex(where: { $0.framebuffer != nil }), let framebuffer = layers[index].framebuffer,
              let plane = layers[index].plan.plane?.id, let property = try? cache.id(of: "FB_ID", on: plane) else { return }
        frameSlot = (index, frameRequest.set(plane, property, to: UInt64(framebuffer.rawValue)))
    }

    // MARK: Commits after the first

    /// Fills ``frameRequest`` with `changes`: a new framebuffer on a layer
    /// that shows one is its FB_ID alone; a layer coming on gets its
    /// rectangles too; nil turns a layer's plane off. Allocates nothing
    /// once the request has grown to its size.
    ///
    /// - Throws: `DisplayError.noCandidate` when nothing would change: the
    ///   caller would wait for an event that never comes.
    func prepareFrame(_ changes: some Collection<LayerChange>) throws {
        if changes.count == 1, let change = changes.first, let framebuffer = change.framebuffer,
           let held = frameSlot, held.layer == change.layer, layersOn[held.layer] {
            frameRequest.update(held.slot, to: UInt64(framebuffer.rawValue))
            return
        }
        frameRequest.removeAll()
        frameSlot = nil
        var onlyFramebuffer: (layer: Int, slot: AtomicRequest.Slot)?
        for change in changes where layers.indices.contains(change.layer) {
            guard let plane = layers[change.layer].plane?.id else { continue }
            if let framebuffer = change.framebuffer {
                if layersOn[change.layer] {
                    onlyFramebuffer = (change.layer, try frameRequest.set(plane, "FB_ID", to: UInt64(framebuffer.rawValue), using: cache))
                } else {
                    try setPlane(plane, in: &frameRequest, plan: layers[change.layer], framebuffer: framebuffer)
                }
            } else {
                try turnOff(plane, in: &frameRequest)
            }
        }
        guard !frameRequest.isEmpty else { throw DisplayError.noCandidate(device: card.path, selection: "a commit that changes no layer") }
        if frameRequest.count == 1 { frameSlot = onlyFramebuffer }
    }

    /// The commit of ``frameRequest`` for `changes` was issued.
    func frameCommitted(_ changes: some Collection<LayerChange>) {
        for change in changes where layersOn.indices.contains(change.layer) {
            layersOn[change.layer] = change.framebuffer != nil
        }
    }

    // MARK: Restore and close

    /// The planes that show a framebuffer of ours.
    var planesOn: [PlaneID] {
        zip(layers, layersOn).compactMap { plan, on in on ? plan.plane?.id : nil }
    }

    /// The state found is back: no layer shows anything of ours.
    func restored() {
        layersOn = layersOn.map { _ in false }
        frameSlot = nil
    }

    /// Hands over the mode blobs made (for the caller to destroy), oldest first.
    func takeModeBlobs() -> [BlobID] {
        defer { modeBlobs.removeAll() }
        return modeBlobs.values.sorted { $0.rawValue < $1.rawValue }
    }

    // MARK: Parts

    /// The property blob of `mode` (made once).
    ///
    /// The corresponding call is `drmModeCreatePropertyBlob`.
    private func modeBlob(for mode: DisplayMode) throws -> BlobID {
        if let blob = modeBlobs[mode.timings] { return blob }
        let blob = try card.createBlob(mode.timings.modeBlobBytes)
        modeBlobs[mode.timings] = blob
        return blob
    }

    /// `plane` on `plan`'s CRTC showing `framebuffer` as `plan`'s layout says.
    private func setPlane(_ plane: PlaneID, in request: inout AtomicRequest, plan: DisplayPlan, framebuffer: FramebufferID) throws {
        let layout = plan.layout
        try request.set(plane, "FB_ID", to: UInt64(framebuffer.rawValue), using: cache)
        try request.set(plane, "CRTC_ID", to: UInt64(plan.crtc.rawValue), using: cache)
        // Source coordinates are 16.16 fixed point; CRTC ones whole pixels.
        try request.set(plane, "SRC_X", to: UInt64(layout.source.x) << 16, using: cache)
        try request.set(plane, "SRC_Y", to: UInt64(layout.source.y) << 16, using: cache)
        try request.set(plane, "SRC_W", to: UInt64(layout.source.width) << 16, using: cache)
        try request.set(plane, "SRC_H", to: UInt64(layout.source.height) << 16, using: cache)
        try request.set(plane, "CRTC_X", to: UInt64(layout.destination.x), using: cache)
        try request.set(plane, "CRTC_Y", to: UInt64(layout.destination.y), using: cache)
        try request.set(plane, "CRTC_W", to: UInt64(layout.destination.width), using: cache)
        try request.set(plane, "CRTC_H", to: UInt64(layout.destination.height), using: cache)
    }

    private func turnOff(_ plane: PlaneID, in request: inout AtomicRequest) throws {
        try request.set(plane, "FB_ID", to: 0, using: cache)
        try request.set(plane, "CRTC_ID", to: 0, using: cache)
    }
}
