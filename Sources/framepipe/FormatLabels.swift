import Pipeline
import Platform

// How `list` names pixel formats: the fourcc as the kernel reports it, then
// the DRM name from the one V4L2 <-> DRM table (`PixelFormat.all`).
//
// libdrm's own `drmGetFormatName` (libdrm >= 2.4.113) is no help here: it
// returns the fourcc's characters again ("XR24" for DRM_FORMAT_XRGB8888,
// checked against libdrm 2.4.114), not the format's name. A format the table
// does not hold keeps its bare fourcc ("XR48"), so every name printed is one
// framepipe can also use.

/// A DRM format with its name when the format table knows it:
/// "XR24 (XRGB8888)", "RG16 (RGB565)", "NV12 (NV12)"; else the fourcc alone.
func drmFormatLabel(_ format: FourCC) -> String {
    guard let name = PixelFormat.forDRM(format).first?.name else { return format.description }
    return "\(format) (\(name))"
}

/// The DRM format a V4L2 capture format is shown as, labelled as
/// ``drmFormatLabel(_:)`` does: V4L2 'RGB3' is "BG24 (BGR888)"; nil when the
/// table has no DRM twin for it.
func drmLabel(forCameraFormat v4l2: FourCC) -> String? {
    PixelFormat.forV4L2(v4l2).map { drmFormatLabel($0.drm) }
}
