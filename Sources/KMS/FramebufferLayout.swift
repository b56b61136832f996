import CDRM
import Platform

#if canImport(Glibc)
import Glibc
#endif

/// Everything the kernel needs to describe an image as a framebuffer.
package struct FramebufferLayout: Sendable, Hashable {
    /// Image width in pixels (`drm_mode_fb_cmd2.width`).
    package var width: Int
    /// Image height in pixels (`drm_mode_fb_cmd2.height`).
    package var height: Int
    /// The DRM fourcc ("XR24" is `DRM_FORMAT_XRGB8888`).
    package var format: FourCC
    /// The memory layout; LINEAR for everything V4L2 and dumb buffers produce.
    package var modifier: FormatModifier
    /// One entry per plane of the format (1 for packed RGB, 2 for NV12, ...).
    package var planes: [FramebufferPlane]

    /// A layout with these values; checked when the framebuffer is added.
    package init(width: Int, height: Int, format: FourCC, modifier: FormatModifier = .linear, planes: [FramebufferPlane]) {
        self.width = width
        self.height = height
        self.format = format
        self.modifier = modifier
        self.planes = planes
    }
}
