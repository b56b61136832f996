import Platform

/// The framebuffers a display owns (``DisplayFramebuffers``): imported from
/// dma-bufs, or adopted; removed at close.
extension Display {
    /// Imports frames shared as dma-bufs (one per plane; planes may share
    /// one) as a framebuffer this display owns and removes at close. Nothing
    /// is mapped or copied.
    ///
    /// The corresponding calls are `drmPrimeFDToHandle` and
    /// `drmModeAddFB2WithModifiers` or `drmModeAddFB2`.
    package func importFramebuffer(_ layout: FramebufferLayout) throws -> FramebufferID {
        try flips.checkOpen()
        return try framebuffers.importFramebuffer(layout, candidates: candidates)
    }

    /// Takes ownership of a framebuffer made elsewhere (for example
    /// ``DumbBuffer/addFramebuffer(format:)``): the display removes it at close.
    package func adopt(_ framebuffer: ImportedFramebuffer) throws -> FramebufferID {
        try flips.checkOpen()
        return framebuffers.adopt(framebuffer)
    }

    /// The framebuffers this display owns.
    package var ownedFramebuffers: [ImportedFramebuffer] { framebuffers.all }

    /// Removes a framebuffer before the display closes. Remove only one
    /// that is neither on screen nor named by the commit in flight: the
    /// kernel turns off a plane whose framebuffer goes away.
    ///
    /// The corresponding calls are `drmModeRmFB` and `DRM_IOCTL_GEM_CLOSE`.
    package func removeFramebuffer(_ id: FramebufferID) throws {
        try framebuffers.remove(id)
    }
}
