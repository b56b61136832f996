/// What one commit of a composition changes on one layer: a new
/// framebuffer, or the plane turned off (a source that went away).
package struct LayerChange: Sendable, Equatable {
    /// The layer's position in ``Display/layerPlans``.
    package var layer: Int
    /// The framebuffer to show from the next vblank; nil turns the plane off.
    package var framebuffer: FramebufferID?

    /// A change of `layer` to `framebuffer` (nil: off).
    package init(layer: Int, framebuffer: FramebufferID?) {
        self.layer = layer
        self.framebuffer = framebuffer
    }
}
