import Platform
import KMS
import V4L2

extension ListReport {
    /// The human-readable form of the report.
    var text: String {
        var out = ""
        if videoDevices.isEmpty { out += "No V4L2 devices.\n" }
        for device in videoDevices { out += device.text }
        for media in mediaDevices { out += media.text }
        if cards.isEmpty { out += "No DRM cards.\n" }
        for card in cards { out += card.text }
        return out
    }
}

extension VideoDeviceInfo {
    var text: String {
        var out = "\(path): \(card) [driver \(driver) \(driverVersion), bus \(busInfo)]\n"
        out += "  capabilities: \(capabilities.joined(separator: " "))\n"
        guard let type = captureBufferType else {
            out += "  not a video capture node\n"
            return out
        }
        out += "  capture: \(type.rawValue) (\(isMultiplanar ? "multiplanar" : "single-planar"))\n"
        if let streaming {
            var methods: [String] = []
            if streaming.mmap { methods.append("MMAP") }
            if streaming.userPointer { methods.append("USERPTR") }
            if streaming.dmabuf { methods.append("DMABUF") }
            let export: String
            switch streaming.exportable {
            case true?: export = "yes (VIDIOC_EXPBUF)"
            case false?: export = "no"
            case nil: export = "unknown (queue busy)"
            }
            out += "  streaming I/O: \(methods.joined(separator: " ")); dma-buf export: \(export)\n"
        }
        out += "  formats:\n"
        for format in formats {
            let drm = drmLabel(forCameraFormat: format.fourcc).map { ", DRM \($0)" } ?? ""
            out += "    '\(format.fourcc)' \(format.description)\(format.compressed ? " (compressed)" : "")\(drm)\n"
            for size in format.frameSizes {
                let rates = size.intervals.map { interval -> String in
                    let fps = NumberText.general(interval.framesPerSecond)
                    return interval.kind == "discrete" ? fps : "\(fps) (\(interval.kind))"
                }
                let dims = size.kind == "discrete"
                    ? "\(size.width)x\(size.height)"
                    : "\(size.width)x\(size.height)..\(size.maxWidth ?? 0)x\(size.maxHeight ?? 0) (\(size.kind))"
                out += "      \(dims)" + (rates.isEmpty ? "" : " @ \(rates.joined(separator: ", ")) fps") + "\n"
            }
        }
        return out
    }
}

extension CardInfo {
    var text: String {
        var out = "\(path): \(driver.name) (\(driver.description)) [driver \(driver.version)]\n"
        let caps = capabilities
        let flags: [(Bool, String)] = [
            (caps.atomic, "atomic"), (caps.universalPlanes, "universal-planes"),
            (caps.primeImport, "prime-import"), (caps.primeExport, "prime-export"),
            (caps.dumbBuffer, "dumb-buffers"), (caps.addFramebuffer2Modifiers, "addfb2-modifiers"),
            (caps.asyncPageFlip, "async-page-flip"), (caps.timestampMonotonic, "monotonic-timestamps"),
            (caps.writebackConnectors, "writeback"),
        ]
        out += "  capabilities: \(flags.filter(\.0).map(\.1).joined(separator: " "))\n"
        out += "  framebuffer size: \(minimumWidth)x\(minimumHeight)..\(maximumWidth)x\(maximumHeight)\n"
        for connector in connectors {
            let kind = connector.isWriteback ? " (writeback)" : ""
            out += "  connector \(connector.id) \(connector.name)\(kind): \(connector.status.rawValue), CRTCs \(connector.possibleCrtcs.map(\.description).joined(separator: ","))\n"
            let shown = connector.modes.prefix(8).map { mode in
                "\(mode.width)x\(mode.height)@\(NumberText.fixed(mode.refreshRate, 2))" + (mode.isPreferred ? "*" : "")
            }
            if !shown.isEmpty {
                let more = connector.modes.count > shown.count ? " (+\(connector.modes.count - shown.count) more)" : ""
                out += "    modes: \(shown.joined(separator: " "))\(more)\n"
            }
        }
        for crtc in crtcs {
            let mode = crtc.mode.map { "\($0.width)x\($0.height)@\(NumberText.fixed($0.refreshRate, 2))" } ?? "off"
            out += "  crtc \(crtc.id) (index \(crtc.index)): \(mode)\(crtc.framebuffer.map { ", fb \($0)" } ?? "")\n"
        }
        for plane in planes {
            let formats = plane.formats.map { format -> String in
                let modifiers = format.modifiers.map(\.description)
                let label = drmFormatLabel(format.format)
                return modifiers.isEmpty || modifiers == ["LINEAR"] ? label : "\(label) [\(modifiers.joined(separator: ","))]"
            }
            out += "  plane \(plane.id) \(plane.type.rawValue): CRTCs \(plane.possibleCrtcs.map(\.description).joined(separator: ",")); formats \(formats.joined(separator: ", "))\n"
        }
        return out
    }
}

extension MediaGraphInfo {
    var text: String {
        var out = "\(path): media controller \(driver) \"\(model)\"\n"
        for entity in entities {
            out += "  \(entity.name) (\(entity.function)\(entity.node.map { ", \($0)" } ?? ""))\n"
            for pad in entity.pads {
                var line = "    pad \(pad.index) \(pad.direction)"
                if let format = pad.formatText { line += " \(format)" }
                if let crop = pad.crop { line += " crop \(crop.mediaCtlDescription)" }
                let arrow = pad.direction == "sink" ? "<-" : "->"
                let links = pad.links.map { "\(arrow) \($0.remote)\($0.enabled ? "" : " (disabled)")" }
                if !links.isEmpty { line += " " + links.joined(separator: ", ") }
                out += line + "\n"
            }
        }
        for pipeline in pipelines { out += "  pipeline: \(pipeline)\n" }
        return out
    }
}
