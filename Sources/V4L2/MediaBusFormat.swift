import CV4L2

/// A format on a subdevice pad (`struct v4l2_mbus_framefmt`): the media bus
/// code and the frame size, with the field order and colour space the
/// kernel compares across a link.
public struct MediaBusFormat: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    /// `MEDIA_BUS_FMT_*`.
    public var code: UInt32
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// `V4L2_FIELD_*` (1 is progressive, `none`).
    public var field: UInt32
    /// `V4L2_COLORSPACE_*` (0 is the driver's default).
    public var colorspace: UInt32

    /// A format with these values.
    public init(code: UInt32, width: Int, height: Int, field: UInt32 = 1, colorspace: UInt32 = 0) {
        self.code = code
        self.width = width
        self.height = height
        self.field = field
        self.colorspace = colorspace
    }

    init(_ raw: v4l2_mbus_framefmt) {
        self.init(code: raw.code, width: Int(raw.width), height: Int(raw.height), field: raw.field, colorspace: raw.colorspace)
    }

    /// The same format with another size.
    public func resized(_ width: Int, _ height: Int) -> MediaBusFormat {
        var copy = self
        copy.width = width
        copy.height = height
        return copy
    }

    /// Whether a link from a pad with this format to a pad with `sink`
    /// passes the kernel's check (`v4l2_subdev_link_validate_default`): the
    /// same code and size, and the same field order unless the sink takes
    /// progressive frames (`V4L2_FIELD_NONE`).
    public func linksTo(_ sink: MediaBusFormat) -> Bool {
        code == sink.code && width == sink.width && height == sink.height && (field == sink.field || sink.field == 1)
    }

    /// "SRGGB8_1X8/640x480", as media-ctl writes it.
    public var description: String { "\(MediaBusFormat.name(of: code))/\(width)x\(height)" }

    /// The kernel's name of a media bus code without `MEDIA_BUS_FMT_`
    /// ("RGB888_1X24"), or its number in hex for codes not in the table.
    public static func name(of code: UInt32) -> String {
        names[code] ?? "0x" + String(code, radix: 16)
    }

    /// The code named `name` ("SRGGB8_1X8"; `MEDIA_BUS_FMT_` may be left
    /// on), if it is in the table.
    public static func code(named name: String) -> UInt32? {
        let bare = name.hasPrefix("MEDIA_BUS_FMT_") ? String(name.dropFirst(14)) : name
        return names.first { $0.value == bare }?.key
    }

    /// The codes cameras and their pipelines commonly use
    /// (linux/media-bus-format.h).
    static let names: [UInt32: String] = [
        UInt32(MEDIA_BUS_FMT_RGB565_1X16): "RGB565_1X16",
        UInt32(MEDIA_BUS_FMT_BGR888_1X24): "BGR888_1X24",
        UInt32(MEDIA_BUS_FMT_GBR888_1X24): "GBR888_1X24",
        UInt32(MEDIA_BUS_FMT_RGB888_1X24): "RGB888_1X24",
        UInt32(MEDIA_BUS_FMT_RGB888_2X12_BE): "RGB888_2X12_BE",
        UInt32(MEDIA_BUS_FMT_RGB888_2X12_LE): "RGB888_2X12_LE",
        UInt32(MEDIA_BUS_FMT_RGB888_1X32_PADHI): "RGB888_1X32_PADHI",
        UInt32(MEDIA_BUS_FMT_ARGB8888_1X32): "ARGB8888_1X32",
        UInt32(MEDIA_BUS_FMT_BGR888_3X8): "BGR888_3X8",
        UInt32(MEDIA_BUS_FMT_UYVY8_2X8): "UYVY8_2X8",
        UInt32(MEDIA_BUS_FMT_YUYV8_2X8): "YUYV8_2X8",
        UInt32(MEDIA_BUS_FMT_UYVY8_1X16): "UYVY8_1X16",
        UInt32(MEDIA_BUS_FMT_YUYV8_1X16): "YUYV8_1X16",
        UInt32(MEDIA_BUS_FMT_SBGGR8_1X8): "SBGGR8_1X8",
        UInt32(MEDIA_BUS_FMT_SGBRG8_1X8): "SGBRG8_1X8",
        UInt32(MEDIA_BUS_FMT_SGRBG8_1X8): "SGRBG8_1X8",
        UInt32(MEDIA_BUS_FMT_SRGGB8_1X8): "SRGGB8_1X8",
        UInt32(MEDIA_BUS_FMT_SBGGR10_1X10): "SBGGR10_1X10",
        UInt32(MEDIA_BUS_FMT_SGBRG10_1X10): "SGBRG10_1X10",
        UInt32(MEDIA_BUS_FMT_SGRBG10_1X10): "SGRBG10_1X10",
        UInt32(MEDIA_BUS_FMT_SRGGB10_1X10): "SRGGB10_1X10",
        UInt32(MEDIA_BUS_FMT_SBGGR12_1X12): "SBGGR12_1X12",
        UInt32(MEDIA_BUS_FMT_SGBRG12_1X12): "SGBRG12_1X12",
        UInt32(MEDIA_BUS_FMT_SGRBG12_1X12): "SGRBG12_1X12",
        UInt32(MEDIA_BUS_FMT_SRGGB12_1X12): "SRGGB12_1X12",
    ]
}
