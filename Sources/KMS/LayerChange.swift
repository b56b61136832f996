/// What one commit of a composition changes on one layer: a new
/// framebuffer, or the plane turned off (a source that went away).
public struct LayerChange: Sendable, Equatable {
    /// The layer's position in ``Display/layerPlans``.
    public var layer: Int
    /// The framebuffer to show from the next vblank; nil turns the plane off.
    public var framebuffer: FramebufferID?

    /// A change of `layer` to `framebuffer` (nil: off).
    public init(layer: Int, framebuffer: FramebufferID?) {
        self.layer = layer
        self.framebuffer = framebuffer
    }
}
