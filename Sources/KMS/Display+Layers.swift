import Platform

/// Several planes on one CRTC: a composition of layers (one per source, in
/// z-order), put on screen together and changed together, one atomic
/// commit at a time. The first commit sets the mode (or keeps the one
/// found) with every layer that has a frame and the CRTC's other planes
/// off; later commits carry only the layers that change (a new
/// framebuffer, a plane turned on or off) and end in one flip event, so
/// one vblank shows every change at once.
extension Display {
    /// Asks the kernel (TEST_ONLY with ALLOW_MODESET) whether it would show
    /// `layers` together, the CRTC's other planes off. Nothing changes on
    /// screen.
    ///
    /// - Returns: nil when the kernel would take it, else its refusal.
    /// - Throws: ``DisplayError`` for a closed or non-atomic display, or
    ///   layers on different CRTCs; errors that mean "not at all" (no
    ///   master, ENODEV) as they are.
    ///
    /// The corresponding ioctl is `DRM_IOCTL_MODE_ATOMIC` with
    /// `DRM_MODE_ATOMIC_TEST_ONLY | DRM_MODE_ATOMIC_ALLOW_MODESET`.
    public func testLayers(_ layers: [DisplayLayer]) throws -> DeviceError? {
        guard state != .closed, usesAtomic, let cache = propertyCache else { throw DisplayError.closed(device: card.path) }
        let request = try compositionRequest(layers, cache: cache)
        return try card.testCommit(request)
    }

    /// Settles on `plans` (one per layer, in z-order, sharing connector,
    /// mode and CRTC) for the composition; the first is also ``plan``.
    public func selectLayers(_ plans: [DisplayPlan]) {
        guard let first = plans.first else { return }
        select(first)
        layerPlans = plans
        layersOn = plans.map { _ in false }
    }

    /// Commits `changes` to the composition with a flip event carrying
    /// `tag`. The first commit sets the mode (blocking for its TEST_ONLY,
    /// then non-blocking) with the changed layers on and every other plane
    /// of the CRTC off; later ones are NONBLOCK|PAGE_FLIP_EVENT and carry
    /// only the changes. Allocates nothing (the request keeps its storage).
    ///
    /// - Throws: `DisplayError.flipPending` while the previous commit's
    ///   event has not been handled; `DisplayError.configurationRejected`
    ///   when the kernel refuses the first commit; `DeviceError` when a
    ///   commit fails.
    ///
    /// The corresponding ioctl is `DRM_IOCTL_MODE_ATOMIC`.
    public func showLayers(_ changes: [LayerChange], tag: UInt32) throws {
        switch state {
        case .closed: throw DisplayError.closed(device: card.path)
        case .modesetPending, .flipPending: throw DisplayError.flipPending(device: card.path)
        case .idle, .showing: break
        }
        guard usesAtomic, let cache = propertyCache, !layerPlans.isEmpty else { throw DisplayError.closed(device: card.path) }
        let userData = FlipPurpose.show.userData(tag: tag)
        if state == .idle {
            var layers = layerPlans.map { DisplayLayer(plan: $0, framebuffer: nil) }
            for change in changes where layers.indices.contains(change.layer) {
                layers[change.layer].framebuffer = change.framebuffer
            }
            let request = try compositionRequest(layers, cache: cache)
            if let refusal = try card.testCommit(request) {
                throw DisplayError.configurationRejected(
                    device: card.path, attempts: ["\(layers.count) layers: \(errnoName(refusal.errnoCode))"])
            }
            try card.commit(request, flags: [.allowModeset, .pageFlipEvent], userData: userData)
            layersOn = layers.map { $0.framebuffer != nil }
            state = .modesetPending
            logger.debug("layers set", metadata: ["device": "\(card.path)", "layers": "\(layers.count)"])
            return
        }
        layerRequest.removeAll()
        for change in changes where layerPlans.indices.contains(change.layer) {
            let plan = layerPlans[change.layer]
            guard let plane = plan.plane?.id else { continue }
            if let framebuffer = change.framebuffer {
                if layersOn[change.layer] {
                    try layerRequest.set(plane, "FB_ID", to: UInt64(framebuffer.rawValue), using: cache)
                } else {
                    try Self.setPlane(plane, in: &layerRequest, crtc: plan.crtc, layout: plan.layout, framebuffer: framebuffer, cache: cache)
                }
            } else {
                try layerRequest.set(plane, "FB_ID", to: 0, using: cache)
                try layerRequest.set(plane, "CRTC_ID", to: 0, using: cache)
            }
        }
        // Nothing to change would leave the caller waiting for an event
        // that never comes: say so instead.
        guard !layerRequest.isEmpty else { throw DisplayError.noCandidate(device: card.path, selection: "a commit that changes no layer") }
        try card.commit(layerRequest, flags: .pageFlip, userData: userData)
        for change in changes where layersOn.indices.contains(change.layer) {
            layersOn[change.layer] = change.framebuffer != nil
        }
        state = .flipPending
    }

    /// The full state of a composition: mode (unless kept), each layer
    /// with a framebuffer on its plane, every other plane of the CRTC off.
    private func compositionRequest(_ layers: [DisplayLayer], cache: PropertyIDCache) throws -> AtomicRequest {
        guard let first = layers.first?.plan else { throw DisplayError.noCandidate(device: card.path, selection: "no layers") }
        var request = AtomicRequest()
        try setMode(first, in: &request, modeBlob: try modeBlob(for: first.mode), cache: cache)
        var used: [PlaneID] = []
        for layer in layers {
            guard layer.plan.crtc == first.crtc, layer.plan.mode == first.mode, let plane = layer.plan.plane?.id else {
                throw DisplayError.noCandidate(device: card.path, selection: "layers on one CRTC in one mode, each on a plane")
            }
            used.append(plane)
            if let framebuffer = layer.framebuffer {
                try Self.setPlane(plane, in: &request, crtc: first.crtc, layout: layer.plan.layout, framebuffer: framebuffer, cache: cache)
            } else {
                try request.set(plane, "FB_ID", to: 0, using: cache)
                try request.set(plane, "CRTC_ID", to: 0, using: cache)
            }
        }
        for other in first.planesOnCrtc where !used.contains(other) {
            try request.set(other, "FB_ID", to: 0, using: cache)
            try request.set(other, "CRTC_ID", to: 0, using: cache)
        }
        return request
    }
}
