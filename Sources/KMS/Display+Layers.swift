import Platform

/// Several planes on one CRTC: a composition of layers (one per source, in
/// z-order), put on screen and changed together, one atomic commit at a time.
extension Display {
    /// Asks the kernel (TEST_ONLY with ALLOW_MODESET) whether it would show
    /// `layers` together, the CRTC's other planes off; nil when it would,
    /// else its refusal. Throws ``DisplayError`` for a closed or non-atomic
    /// display or layers on different CRTCs, and errors that mean "not at
    /// all" (no master, ENODEV) as they are.
    ///
    /// The corresponding ioctl is `DRM_IOCTL_MODE_ATOMIC` with
    /// `DRM_MODE_ATOMIC_TEST_ONLY | DRM_MODE_ATOMIC_ALLOW_MODESET`.
    package func testLayers(_ layers: [DisplayLayer]) throws -> DeviceError? {
        guard state != .closed, let atomic else { throw DisplayError.closed(device: card.path) }
        return try card.testCommit(atomic.request(for: layers, composition: true))
    }

    /// Settles on `plans` (one per layer, in z-order, sharing connector,
    /// mode and CRTC) for the composition; the first is also ``plan``.
    package func selectLayers(_ plans: [DisplayPlan]) {
        guard let first = plans.first else { return }
        select(first)
        layerPlans = plans
    }

    /// Commits `changes` to the composition with a flip event carrying
    /// `tag`, so that one vblank shows every change. The first commit
    /// (TEST_ONLY first) sets the mode, or keeps the one found, with the
    /// changed layers on and the CRTC's other planes off; later ones are
    /// NONBLOCK|PAGE_FLIP_EVENT and carry only the changes (a new
    /// framebuffer, a plane on or off). Allocates nothing.
    ///
    /// - Throws: `DisplayError.flipPending` while the previous commit's
    ///   event has not been handled; `DisplayError.configurationRejected`
    ///   when the kernel refuses the first commit; `DeviceError` when a
    ///   commit fails.
    ///
    /// The corresponding ioctl is `DRM_IOCTL_MODE_ATOMIC`.
    package func showLayers(_ changes: [LayerChange], tag: UInt32) throws {
        try flips.checkCanCommit()
        guard atomic != nil, !layerPlans.isEmpty else { throw DisplayError.closed(device: card.path) }
        try commit(changes, tag: tag)
    }
}
