import Platform

/// "XR24 AR24", or "nothing", for error messages.
func formatList(_ codes: [FourCC]) -> String {
    codes.isEmpty ? "nothing" : codes.map(\.description).joined(separator: " ")
}

/// Chooses the pixel format of a zero-copy pipeline: one the camera captures
/// (V4L2 fourcc) whose memory layout the display scans out directly (DRM
/// fourcc of the same table entry). With `requested`, that format or an
/// error; without, the first match in the table's order of preference.
/// No conversion path exists, so no match is an error listing both sides.
package func negotiatePixelFormat(
    requested: FourCC?, cameraFormats: [FourCC], displayFormats: [FourCC],
    camera: String, display: String
) throws(NegotiationError) -> PixelFormat {
    let displaySet = Set(displayFormats)
    if let requested {
        guard cameraFormats.contains(requested) else {
            throw .cameraLacksFormat(camera: camera, requested: requested, cameraFormats: cameraFormats)
        }
        if let format = PixelFormat.forV4L2(requested), displaySet.contains(format.drm) {
            return format
        }
        throw .noCommonFormat(camera: camera, requested: requested, cameraFormats: cameraFormats,
                              display: display, displayFormats: displayFormats)
    }
    let cameraSet = Set(cameraFormats)
    if let format = PixelFormat.all.first(where: { cameraSet.contains($0.v4l2) && displaySet.contains($0.drm) }) {
        return format
    }
    throw .noCommonFormat(camera: camera, requested: nil, cameraFormats: cameraFormats,
                          display: display, displayFormats: displayFormats)
}
