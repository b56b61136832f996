import Platform

/// Choosing a plan, and the first atomic commit, which sets the mode.
extension Display {
    /// Asks the kernel whether it would show `framebuffer` as `candidate`
    /// says (a TEST_ONLY commit of the whole modeset); nothing on screen
    /// changes. The legacy path cannot ask, and the planner lists only
    /// plans the legacy calls can show: the answer is yes.
    ///
    /// - Returns: nil when the kernel would take it, else its refusal
    ///   (EINVAL, ERANGE, ENOSPC, EOPNOTSUPP).
    /// - Throws: errors that mean "not at all" (no master, ENODEV, ...).
    ///
    /// The corresponding ioctl is `DRM_IOCTL_MODE_ATOMIC` with
    /// `DRM_MODE_ATOMIC_TEST_ONLY | DRM_MODE_ATOMIC_ALLOW_MODESET`.
    package func test(_ candidate: DisplayPlan, framebuffer: FramebufferID) throws -> DeviceError? {
        try flips.checkOpen()
        guard let atomic else { return nil }
        return try card.testCommit(atomic.request(for: [DisplayLayer(plan: candidate, framebuffer: framebuffer)], composition: false))
    }

    /// Settles on `candidate` for the next modeset (the first frame, or the
    /// first after ``restore()``).
    package func select(_ candidate: DisplayPlan) {
        plan = candidate
        planIsSettled = true
    }

    /// The first commit: sets the mode showing `changes` to the layers of
    /// the composition (``layerPlans``) or the plan's one, searching for a
    /// plan not settled yet (``AtomicCommitBuilder/firstRequest(_:plans:composition:searching:)``).
    func setMode(_ atomic: AtomicCommitBuilder, _ changes: some Collection<LayerChange>, userData: UInt64) throws {
        let composition = !layerPlans.isEmpty
        let (shown, request) = try atomic.firstRequest(
            changes, plans: composition ? layerPlans : [plan], composition: composition,
            searching: composition || planIsSettled ? nil : candidates)
        if !composition, let chosen = shown.first?.plan { select(chosen) }
        try card.commit(request, flags: [.allowModeset, .pageFlipEvent], userData: userData)
        atomic.firstCommitted(shown)
        if !composition { activePlane = plan.plane }
        logger.debug("mode set", metadata: ["device": "\(card.path)", "plan": "\(plan)", "layers": "\(shown.count)"])
    }
}
