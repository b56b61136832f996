import Conversion
import Platform

/// Why no zero-copy format could be agreed.
public enum NegotiationError: UserFacingError, Sendable, Equatable {
    /// Nothing the camera produces can be scanned out by the display as is.
    case noCommonFormat(camera: String, requested: FourCC?, cameraFormats: [FourCC], display: String, displayFormats: [FourCC])
    /// The pipeline asked for a format the camera does not produce.
    case cameraLacksFormat(camera: String, requested: FourCC, cameraFormats: [FourCC])
    /// ``noCommonFormat(camera:requested:cameraFormats:display:displayFormats:)``
    /// where a copy could work: the camera captures a format framepipe
    /// converts, and copying is not allowed.
    case noCommonFormatCopyPossible(camera: String, requested: FourCC?, cameraFormats: [FourCC], display: String, displayFormats: [FourCC])
    /// Copying is allowed, but nothing the camera captures can be converted.
    case nothingConvertible(camera: String, cameraFormats: [FourCC])
    /// Copying is allowed, but the format asked for is neither shown by
    /// the display as is nor converted.
    case cannotConvert(camera: String, requested: FourCC)

    /// One line naming both devices and their formats, e.g.
    /// `"camera /dev/video0 cannot capture 'NV12'; it offers XR24 YUYV"`.
    public var description: String {
        switch self {
        case .noCommonFormat(let camera, let requested, let cameraFormats, let display, let displayFormats):
            let asked = requested.map { "'\($0)' requested; " } ?? ""
            return "no common format: camera \(camera) (\(asked)captures \(formatList(cameraFormats))) and display \(display) (planes scan out \(formatList(displayFormats)), DRM fourccs) share no zero-copy format"
        case .cameraLacksFormat(let camera, let requested, let cameraFormats):
            return "camera \(camera) cannot capture '\(requested)'; it offers \(formatList(cameraFormats))"
        case .noCommonFormatCopyPossible(let camera, let requested, let cameraFormats, let display, let displayFormats):
            let convertible = cameraFormats.filter { ConvertibleFormat($0) != nil }
            return NegotiationError.noCommonFormat(
                camera: camera, requested: requested, cameraFormats: cameraFormats, display: display, displayFormats: displayFormats
            ).description + "; --allow-copy (\"copy\": \"allowed\") would convert \(formatList(convertible)) to XRGB8888 with libyuv, counted"
        case .cannotConvert(let camera, let requested):
            return "'\(requested)' from camera \(camera) is not shown by the display as is and cannot be converted; "
                + "framepipe converts \(ConvertibleFormat.allCases.map(\.description).joined(separator: ", ")) to XRGB8888"
        case .nothingConvertible(let camera, let cameraFormats):
            return "camera \(camera) captures \(formatList(cameraFormats)): none is shown by the display as is and none can be converted; "
                + "framepipe converts \(ConvertibleFormat.allCases.map(\.description).joined(separator: ", "))"
        }
    }

    /// Always ``ErrorCategory/invalidRequest``: the request cannot be met on
    /// this hardware.
    public var category: ErrorCategory { .invalidRequest }
}
