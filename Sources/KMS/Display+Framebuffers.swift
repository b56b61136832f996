import Platform

/// The framebuffers a display owns: imported from dma-bufs, or adopted.
extension Display {
    /// Imports frames shared as dma-bufs (one per plane; planes may share
    /// one) as a framebuffer this display owns and removes at close. Nothing
    /// is mapped or copied.
    ///
    /// The corresponding calls are `drmPrimeFDToHandle` and
    /// `drmModeAddFB2WithModifiers` or `drmModeAddFB2`.
    public func importFramebuffer(_ layout: FramebufferLayout) throws -> FramebufferID {
        guard state != .closed else { throw DisplayError.closed(device: card.path) }
        let framebuffer = try card.importFramebuffer(layout, useModifiers: usesModifiers(for: layout.format))
        framebuffers[framebuffer.id] = framebuffer
        return framebuffer.id
    }

    /// Whether framebuffers of `format` carry an explicit modifier: only if
    /// the card takes them and every candidate plane that shows the format
    /// lists modifiers for it (the plane is picked after the import).
    func usesModifiers(for format: FourCC) -> Bool {
        let planes = candidates.compactMap(\.plane).filter { plane in plane.formats.contains { $0.format == format } }
        return card.capabilities.addFramebuffer2Modifiers && !planes.isEmpty && planes.allSatisfy { plane in
            plane.formats.first { $0.format == format }.map { !$0.modifiers.isEmpty } ?? false
        }
    }

    /// Takes ownership of a framebuffer made elsewhere (for example
    /// ``DumbBuffer/addFramebuffer(format:)``): the display removes it at close.
    public func adopt(_ framebuffer: ImportedFramebuffer) throws -> FramebufferID {
        guard state != .closed else { throw DisplayError.closed(device: card.path) }
        framebuffers[framebuffer.id] = framebuffer
        return framebuffer.id
    }

    /// The framebuffers this display owns.
    public var ownedFramebuffers: [ImportedFramebuffer] { Array(framebuffers.values) }

    /// Removes a framebuffer before the display closes. Remove only one
    /// that is neither on screen nor named by the commit in flight: the
    /// kernel turns off a plane whose framebuffer goes away.
    ///
    /// The corresponding calls are `drmModeRmFB` and `DRM_IOCTL_GEM_CLOSE`.
    public func removeFramebuffer(_ id: FramebufferID) throws {
        guard let framebuffer = framebuffers[id] else { throw DisplayError.unknownFramebuffer(id, device: card.path) }
        framebuffers[id] = nil
        try card.removeFramebuffer(framebuffer)
    }
}
