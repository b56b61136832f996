import CV4L2
import Platform

/// An open V4L2 subdevice node (/dev/v4l-subdevN): one entity of a media
/// pipeline (a sensor, a debayer, a scaler) whose pads carry formats.
/// Only active formats are read and set (`V4L2_SUBDEV_FORMAT_ACTIVE`).
///
/// The corresponding ioctls are `VIDIOC_SUBDEV_G_FMT`, `VIDIOC_SUBDEV_S_FMT`,
/// `VIDIOC_SUBDEV_ENUM_MBUS_CODE`, `VIDIOC_SUBDEV_ENUM_FRAME_SIZE`,
/// `VIDIOC_SUBDEV_G_SELECTION`, `VIDIOC_SUBDEV_S_SELECTION` and the frame
/// interval calls (`VIDIOC_SUBDEV_G/S_FRAME_INTERVAL`,
/// `VIDIOC_SUBDEV_ENUM_FRAME_INTERVAL`).
package final class Subdevice {
    private let fd: OwnedFD

    /// Only active formats: what streams (`V4L2_SUBDEV_FORMAT_ACTIVE`).
    private static let active = UInt32(V4L2_SUBDEV_FORMAT_ACTIVE.rawValue)

    /// The node's path.
    package var path: String { fd.path }

    /// Opens the subdevice node at `path`.
    package init(_ path: String, kernel: any KernelInterface) throws {
        fd = try OwnedFD.open(path, nonBlocking: false, kernel: kernel)
    }

    /// The active format on pad `pad`.
    package func format(pad: UInt32) throws -> MediaBusFormat {
        var request = v4l2_subdev_format()
        request.which = Self.active
        request.pad = pad
        try fd.control(.subdevGetFormat, &request)
        return MediaBusFormat(request.format)
    }

    /// Sets pad `pad`'s active format to `format` (code, size, field and
    /// colour space; the rest of the driver's format is kept) and returns
    /// what the driver made of it, which may differ.
    @discardableResult
    package func setFormat(_ format: MediaBusFormat, pad: UInt32) throws -> MediaBusFormat {
        var request = v4l2_subdev_format()
        request.which = Self.active
        request.pad = pad
        try fd.control(.subdevGetFormat, &request)
        request.format.code = format.code
        request.format.width = UInt32(clamping: format.width)
        request.format.height = UInt32(clamping: format.height)
        request.format.field = format.field
        if format.colorspace != 0 { request.format.colorspace = format.colorspace }
        try fd.control(.subdevSetFormat, &request)
        return MediaBusFormat(request.format)
    }

    /// The media bus codes pad `pad` offers, in the driver's order.
    package func codes(pad: UInt32) -> [UInt32] {
        (try? fd.enumeration(.subdevEnumerateCodes, { index in
            var request = v4l2_subdev_mbus_code_enum()
            request.pad = pad
            request.index = index
            request.which = Self.active
            return request
        }, \.code)) ?? []
    }

    /// The frame sizes pad `pad` offers for `code`: each a range
    /// (min...max width and height; equal bounds for a discrete size).
    package func sizes(pad: UInt32, code: UInt32) -> [MediaFrameSizeRange] {
        (try? fd.enumeration(.subdevEnumerateSizes, { index in
            var request = v4l2_subdev_frame_size_enum()
            request.pad = pad
            request.index = index
            request.code = code
            request.which = Self.active
            return request
        }) { MediaFrameSizeRange(minWidth: Int($0.min_width), maxWidth: Int($0.max_width), minHeight: Int($0.min_height), maxHeight: Int($0.max_height)) }) ?? []
    }

    /// Pad `pad`'s active crop rectangle, nil when the entity does not crop there.
    package func crop(pad: UInt32) -> PixelRectangle? {
        var request = v4l2_subdev_selection()
        request.which = Self.active
        request.pad = pad
        request.target = UInt32(V4L2_SEL_TGT_CROP)
        guard (try? fd.control(.subdevGetSelection, &request)) != nil else { return nil }
        return PixelRectangle(x: Int(request.r.left), y: Int(request.r.top), width: Int(request.r.width), height: Int(request.r.height))
    }

    /// Sets pad `pad`'s active crop rectangle and returns what the driver
    /// made of it.
    @discardableResult
    package func setCrop(_ rectangle: PixelRectangle, pad: UInt32) throws -> PixelRectangle {
        var request = v4l2_subdev_selection()
        request.which = Self.active
        request.pad = pad
        request.target = UInt32(V4L2_SEL_TGT_CROP)
        request.r = v4l2_rect(left: Int32(rectangle.x), top: Int32(rectangle.y),
                              width: UInt32(clamping: rectangle.width), height: UInt32(clamping: rectangle.height))
        try fd.control(.subdevSetSelection, &request)
        return PixelRectangle(x: Int(request.r.left), y: Int(request.r.top), width: Int(request.r.width), height: Int(request.r.height))
    }

    /// Pad `pad`'s frame interval; nil when the entity has none to set
    /// (ENOTTY or EINVAL: vimc's sensor runs at its own rate).
    package func frameInterval(pad: UInt32) -> Fraction? {
        var request = v4l2_subdev_frame_interval()
        request.pad = pad
        guard (try? fd.control(.subdevGetFrameInterval, &request)) != nil, request.interval.denominator != 0 else { return nil }
        return Fraction(request.interval)
    }

    /// Sets pad `pad`'s frame interval and returns what the driver made of it.
    @discardableResult
    package func setFrameInterval(_ interval: Fraction, pad: UInt32) throws -> Fraction {
        var request = v4l2_subdev_frame_interval()
        request.pad = pad
        request.interval = v4l2_fract(numerator: interval.numerator, denominator: interval.denominator)
        try fd.control(.subdevSetFrameInterval, &request)
        return Fraction(request.interval)
    }

    /// The frame intervals pad `pad` offers for `code` at `width`x`height`.
    package func intervals(pad: UInt32, code: UInt32, width: Int, height: Int) -> [Fraction] {
        (try? fd.enumeration(.subdevEnumerateIntervals, { index in
            var request = v4l2_subdev_frame_interval_enum()
            request.pad = pad
            request.index = index
            request.code = code
            request.width = UInt32(clamping: width)
            request.height = UInt32(clamping: height)
            request.which = Self.active
            return request
        }) { Fraction($0.interval) }) ?? []
    }
}
