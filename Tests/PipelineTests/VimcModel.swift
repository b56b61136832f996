import CV4L2
import Platform
@testable import Planning
import V4L2

/// vimc's default graph (Linux 6.1, drivers/media/test-drivers/vimc) as
/// MEDIA_IOC_G_TOPOLOGY reports it, and a model of its pads' behaviour
/// (vimc-sensor.c, vimc-debayer.c, vimc-scaler.c, vimc-capture.c) behind
/// the configurator's seam. Entity and pad ids are vimc's.
final class VimcModel: MediaPadAccess {
    static let rgb888 = UInt32(MEDIA_BUS_FMT_RGB888_1X24)
    static let bgr888 = UInt32(MEDIA_BUS_FMT_BGR888_1X24)
    static let srggb8 = UInt32(MEDIA_BUS_FMT_SRGGB8_1X8)
    static let sbggr8 = UInt32(MEDIA_BUS_FMT_SBGGR8_1X8)
    static let bayer: Set<UInt32> = [sbggr8, srggb8]

    static let graph: MediaGraph = {
        typealias E = MediaGraph.Entity
        typealias P = MediaGraph.Pad
        typealias L = MediaGraph.Link
        let sensor: UInt32 = 0x0002_0001, video: UInt32 = 0x0001_0001, other: UInt32 = 0x4003
        return MediaGraph(
            driver: "vimc", model: "VIMC MDEV", path: "/dev/media2",
            entities: [
                E(id: 1, name: "Sensor A", function: sensor, node: "/dev/v4l-subdev0"),
                E(id: 3, name: "Sensor B", function: sensor, node: "/dev/v4l-subdev1"),
                E(id: 5, name: "Debayer A", function: other, node: "/dev/v4l-subdev2"),
                E(id: 8, name: "Debayer B", function: other, node: "/dev/v4l-subdev3"),
                E(id: 11, name: "Raw Capture 0", function: video, node: "/dev/video8"),
                E(id: 15, name: "Raw Capture 1", function: video, node: "/dev/video9"),
                E(id: 19, name: "RGB/YUV Input", function: sensor, node: "/dev/v4l-subdev4"),
                E(id: 21, name: "Scaler", function: 0x4005, node: "/dev/v4l-subdev5"),
                E(id: 24, name: "RGB/YUV Capture", function: video, node: "/dev/video10"),
            ],
            pads: [
                P(id: 2, entity: 1, index: 0, isSink: false), P(id: 4, entity: 3, index: 0, isSink: false),
                P(id: 6, entity: 5, index: 0, isSink: true), P(id: 7, entity: 5, index: 1, isSink: false),
                P(id: 9, entity: 8, index: 0, isSink: true), P(id: 10, entity: 8, index: 1, isSink: false),
                P(id: 12, entity: 11, index: 0, isSink: true), P(id: 16, entity: 15, index: 0, isSink: true),
                P(id: 20, entity: 19, index: 0, isSink: false),
                P(id: 22, entity: 21, index: 0, isSink: true), P(id: 23, entity: 21, index: 1, isSink: false),
                P(id: 25, entity: 24, index: 0, isSink: true),
            ],
            links: [
                L(id: 30, source: 2, sink: 6, isEnabled: true, isImmutable: true),
                L(id: 31, source: 2, sink: 12, isEnabled: true, isImmutable: true),
                L(id: 32, source: 4, sink: 9, isEnabled: true, isImmutable: true),
                L(id: 33, source: 4, sink: 16, isEnabled: true, isImmutable: true),
                L(id: 34, source: 7, sink: 22, isEnabled: true, isImmutable: false),
                L(id: 35, source: 10, sink: 22, isEnabled: false, isImmutable: false),
                L(id: 36, source: 20, sink: 22, isEnabled: false, isImmutable: false),
                L(id: 37, source: 23, sink: 25, isEnabled: true, isImmutable: true),
            ])
    }()

    /// Active pad formats by "entity:pad", as vimc starts: every sensor
    /// RGB888, every debayer sink SRGGB8 (the mismatch a fresh vimc has).
    var pads: [String: MediaBusFormat] = [
        "Sensor A:0": MediaBusFormat(code: rgb888, width: 640, height: 480),
        "Debayer A:0": MediaBusFormat(code: srggb8, width: 640, height: 480),
        "Debayer A:1": MediaBusFormat(code: rgb888, width: 640, height: 480),
        "Scaler:0": MediaBusFormat(code: rgb888, width: 640, height: 480),
        "Scaler:1": MediaBusFormat(code: rgb888, width: 640, height: 480),
    ]
    var scalerCrop = PixelRectangle(x: 0, y: 0, width: 640, height: 480)
    var nodes: [String: FrameFormat] = [
        "/dev/video8": FrameFormat(fourcc: FourCC(rawValue: 0x3342_4752), width: 640, height: 480),
        "/dev/video10": FrameFormat(fourcc: FourCC(rawValue: 0x3342_4752), width: 640, height: 480),
    ]
    /// Whether the scaler scales (a model of a pipeline without one: its
    /// source pad then follows its sink, as the debayer's does).
    var scalerScales = true
    /// The sensor's frame interval; nil as vimc's (it runs at its own
    /// rate and answers the interval calls with ENOTTY). A model of a
    /// sensor that sets one gives it a value and ``sensorIntervals``.
    var sensorInterval: Fraction?
    /// Discrete sensor modes (a board sensor's), instead of vimc's range.
    var sensorModes: [(Int, Int)]?
    /// The intervals the sensor offers at each size ("640x480").
    var sensorIntervals: [String: [Fraction]] = [:]
    /// Whether the debayer's sink pad lists the codes it takes (vimc's
    /// does); without, the configurator learns it by trying.
    var debayerListsCodes = true
    /// Every set call, in order ("Sensor A:0 SBGGR8_1X8/640x480").
    var sets: [String] = []

    static func fourcc(for code: UInt32) -> FourCC? {
        switch code {
        case rgb888: return FourCC("RGB3")
        case bgr888: return FourCC("BGR3")
        case sbggr8: return FourCC("BA81")
        case srggb8: return FourCC("RGGB")
        default: return nil
        }
    }

    func format(_ hop: MediaChain.Hop, pad: UInt32) throws -> MediaBusFormat {
        guard let format = pads["\(hop.entity.name):\(pad)"] else { throw DeviceError(call: "VIDIOC_SUBDEV_G_FMT", errno: .invalidArgument, device: hop.entity.node ?? "") }
        return format
    }

    func setFormat(_ format: MediaBusFormat, _ hop: MediaChain.Hop, pad: UInt32) throws -> MediaBusFormat {
        let name = hop.entity.name
        var set = format
        switch (name, pad) {
        case ("Sensor A", 0): break
        case ("Debayer A", 0):
            if !Self.bayer.contains(set.code) { set.code = Self.srggb8 }
            pads["Debayer A:1"] = set.resized(set.width, set.height).with(code: pads["Debayer A:1"]?.code ?? Self.rgb888)
        case ("Debayer A", 1):
            let sink = pads["Debayer A:0"] ?? set
            set = sink.with(code: [Self.rgb888, Self.bgr888].contains(format.code) ? format.code : (pads["Debayer A:1"]?.code ?? Self.rgb888))
        case ("Scaler", 0):
            if Self.bayer.contains(set.code) { set.code = Self.rgb888 }
            scalerCrop = PixelRectangle(x: 0, y: 0, width: set.width, height: set.height)
            pads["Scaler:1"] = set
        case ("Scaler", 1):
            let sink = pads["Scaler:0"] ?? set
            set = scalerScales ? sink.resized(format.width, format.height) : sink
        default:
            throw DeviceError(call: "VIDIOC_SUBDEV_S_FMT", errno: .invalidArgument, device: hop.entity.node ?? "")
        }
        pads["\(name):\(pad)"] = set
        sets.append("\(name):\(pad) \(set)")
        return set
    }

    func codes(_ hop: MediaChain.Hop, pad: UInt32) -> [UInt32] {
        switch (hop.entity.name, pad) {
        case ("Sensor A", _): return [Self.rgb888, Self.bgr888, Self.sbggr8, Self.srggb8]
        case ("Debayer A", 0) where debayerListsCodes: return [Self.sbggr8, Self.srggb8]
        default: return []
        }
    }

    func sizes(_ hop: MediaChain.Hop, pad: UInt32, code: UInt32) -> [MediaFrameSizeRange] {
        sensorModes.map { $0.map { MediaFrameSizeRange(minWidth: $0.0, maxWidth: $0.0, minHeight: $0.1, maxHeight: $0.1) } }
            ?? [MediaFrameSizeRange(minWidth: 16, maxWidth: 4096, minHeight: 16, maxHeight: 2160)]
    }

    func crop(_ hop: MediaChain.Hop, pad: UInt32) -> PixelRectangle? {
        hop.entity.name == "Scaler" && pad == 0 ? scalerCrop : nil
    }

    func setCrop(_ rectangle: PixelRectangle, _ hop: MediaChain.Hop, pad: UInt32) throws -> PixelRectangle {
        guard hop.entity.name == "Scaler", pad == 0 else { throw DeviceError(call: "VIDIOC_SUBDEV_S_SELECTION", errno: .invalidArgument, device: "") }
        scalerCrop = rectangle
        sets.append("Scaler:0 crop \(rectangle)")
        return rectangle
    }

    func frameInterval(_ hop: MediaChain.Hop, pad: UInt32) -> Fraction? {
        hop.entity.name == "Sensor A" ? sensorInterval : nil
    }

    func setFrameInterval(_ interval: Fraction, _ hop: MediaChain.Hop, pad: UInt32) throws -> Fraction {
        guard hop.entity.name == "Sensor A", sensorInterval != nil, let format = pads["Sensor A:0"] else {
            throw DeviceError(call: "VIDIOC_SUBDEV_S_FRAME_INTERVAL", errno: .inappropriateIOCTLForDevice, device: hop.entity.node ?? "")
        }
        // The offered interval nearest the one asked, as sensor drivers pick.
        let offered = sensorIntervals["\(format.width)x\(format.height)"] ?? []
        let asked = Double(interval.numerator) / Double(interval.denominator)
        let set = offered.min { abs(Double($0.numerator) / Double($0.denominator) - asked) < abs(Double($1.numerator) / Double($1.denominator) - asked) } ?? interval
        sensorInterval = set
        sets.append("Sensor A:0 interval \(set)")
        return set
    }

    func intervals(_ hop: MediaChain.Hop, pad: UInt32, code: UInt32, width: Int, height: Int) -> [Fraction] {
        hop.entity.name == "Sensor A" ? sensorIntervals["\(width)x\(height)"] ?? [] : []
    }

    func nodeFormat(_ node: String) throws -> FrameFormat {
        guard let format = nodes[node] else { throw DeviceError(call: "VIDIOC_G_FMT", errno: .invalidArgument, device: node) }
        return format
    }

    func setNodeFormat(_ format: FrameFormat, _ node: String) throws -> FrameFormat {
        nodes[node] = format
        sets.append("\(node) \(format)")
        return format
    }

    func nodeFormats(_ node: String, code: UInt32) -> [FourCC] {
        guard let fourcc = Self.fourcc(for: code) else { return [] }
        // The raw node captures every code; RGB/YUV Capture no Bayer.
        return node == "/dev/video10" && Self.bayer.contains(code) ? [] : [fourcc]
    }
}

extension MediaBusFormat {
    func with(code: UInt32) -> MediaBusFormat {
        var copy = self
        copy.code = code
        return copy
    }
}
