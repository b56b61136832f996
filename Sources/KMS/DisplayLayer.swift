/// One plane of a composition (several sources on one CRTC): the plan it
/// follows (plane, rectangles) and the framebuffer it shows.
package struct DisplayLayer: Sendable, Equatable {
    /// The plane, layout, mode and CRTC (shared by every layer).
    package var plan: DisplayPlan
    /// The framebuffer to show; nil leaves the plane off.
    package var framebuffer: FramebufferID?

    /// A layer showing `framebuffer` as `plan` says.
    package init(plan: DisplayPlan, framebuffer: FramebufferID?) {
        self.plan = plan
        self.framebuffer = framebuffer
    }
}
