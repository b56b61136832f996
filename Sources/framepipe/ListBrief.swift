import KMS
import Pipeline
import V4L2

// `framepipe list --brief`: one line per camera, per connector and per plane,
// each starting with what it describes, then the node it belongs to, so that
// `grep '^plane /dev/dri/card1'` or `grep -c '^camera'` answer questions.
// V4L2 nodes that capture no video (vivid's output, VBI and metadata nodes)
// have no line; the full report lists them. The syntax is documented in
// `list --help` and the README; keep the three in step.

extension ListReport {
    /// The `--brief` form of the report.
    var briefText: String {
        var lines: [String] = []
        let cameras = videoDevices.compactMap(\.briefLine)
        if cameras.isEmpty { lines.append("No V4L2 capture devices.") }
        lines += cameras
        if cards.isEmpty { lines.append("No DRM cards.") }
        for card in cards { lines += card.briefLines }
        return lines.map { $0 + "\n" }.joined()
    }
}

extension VideoDeviceInfo {
    /// `camera PATH DRIVER "CARD" BUS single-planar|multiplanar N formats, memory KINDS`;
    /// nil for a node that captures no video.
    var briefLine: String? {
        guard captureBufferType != nil else { return nil }
        let count = formats.count == 1 ? "1 format" : "\(formats.count) formats"
        let planes = isMultiplanar ? "multiplanar" : "single-planar"
        return "camera \(path) \(driver) \"\(card)\" \(busInfo) \(planes) \(count), memory \(briefMemory)"
    }

    /// What `--memory` can ask of this camera, as it is spelled there:
    /// "camera" when it exports its own buffers ("camera?" when the export
    /// could not be tried because the queue was busy), "display" and "heap"
    /// when it imports dma-bufs; "none" when it streams into none of them.
    var briefMemory: String {
        var kinds: [String] = []
        if let streaming {
            if streaming.mmap, streaming.exportable != false {
                kinds.append(streaming.exportable == true ? "camera" : "camera?")
            }
            if streaming.dmabuf { kinds += ["display", "heap"] }
        }
        return kinds.isEmpty ? "none" : kinds.joined(separator: ",")
    }
}

extension CardInfo {
    /// A `connector` line for each connector, then a `plane` line for each
    /// plane, in the card's order.
    var briefLines: [String] {
        connectors.map { briefLine(for: $0) } + planes.map { briefLine(for: $0) }
    }

    /// `connector CARD NAME STATUS MODE on crtc ID`, or `... STATUS off`
    /// with `, prefers MODE` when the sink names a mode. STATUS is the
    /// kernel's (connected, disconnected, unknown), or `writeback`.
    func briefLine(for connector: ConnectorInfo) -> String {
        let status = connector.isWriteback ? "writeback" : connector.status.rawValue
        var line = "connector \(path) \(connector.name) \(status) "
        let crtc = connector.currentEncoder
            .flatMap { id in encoders.first { $0.id == id }?.currentCrtc }
            .flatMap { id in crtcs.first { $0.id == id } }
        if let crtc, let mode = crtc.mode {
            line += "\(briefMode(mode)) on crtc \(crtc.id)"
        } else {
            line += "off"
            if !connector.isWriteback, let preferred = connector.preferredMode {
                line += ", prefers \(briefMode(preferred))"
            }
        }
        return line
    }

    /// `plane CARD ID TYPE on crtc ID: FORMATS` or `plane CARD ID TYPE off: FORMATS`,
    /// the formats in the kernel's order, each named as ``drmFormatLabel(_:)`` does.
    func briefLine(for plane: PlaneInfo) -> String {
        let state = plane.currentCrtc.map { "on crtc \($0)" } ?? "off"
        let formats = plane.formats.map { drmFormatLabel($0.format) }.joined(separator: ", ")
        return "plane \(path) \(plane.id) \(plane.type.rawValue) \(state): \(formats)"
    }

    private func briefMode(_ mode: DisplayMode) -> String {
        "\(mode.width)x\(mode.height)\(mode.isInterlaced ? "i" : "")@\(rateLabel(mode.refreshRate))"
    }
}
