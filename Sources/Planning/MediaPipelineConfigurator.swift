import Platform
import V4L2

/// Reads, checks, configures and restores the formats along a
/// ``MediaChain``, the way libcamera's simple pipeline handler does for
/// linear pipelines: the sensor's format is set, then each entity's sink
/// pad takes its upstream neighbour's format and the source pad follows;
/// the first entity that can scale (its source pad takes another size)
/// scales, after cropping its input to the asked aspect ratio where it
/// crops.
package struct MediaPipelineConfigurator {
    /// The chain configured.
    package let chain: MediaChain
    /// How pads are read and set.
    package let access: any MediaPadAccess

    /// A configurator of `chain` through `access`.
    package init(chain: MediaChain, access: any MediaPadAccess) {
        self.chain = chain
        self.access = access
    }

    /// The formats on every pad of the chain now.
    package func current() throws -> MediaPadFormats {
        MediaPadFormats(hops: try chain.hops.map { hop in
            MediaPadFormats.HopFormats(
                entity: hop.entity.name,
                sink: try hop.sink.map { try access.format(hop, pad: $0) },
                crop: hop.sink.flatMap { access.crop(hop, pad: $0) },
                source: try access.format(hop, pad: hop.source))
        }, branches: try chain.branches.map { try access.nodeFormat($0.node) },
        frameInterval: chain.hops.first.flatMap { access.frameInterval($0, pad: $0.source) })
    }

    /// The first link between two subdevices whose ends differ in
    /// `formats`, nil when every link passes the kernel's check.
    package func mismatch(in formats: MediaPadFormats) -> MediaLinkMismatch? {
        for (upstream, downstream) in chain.subdeviceLinks {
            let source = formats.hops[upstream].source
            guard let sink = formats.hops[downstream].sink, !source.linksTo(sink) else { continue }
            return MediaLinkMismatch(
                source: "\"\(chain.hops[upstream].entity.name)\":\(chain.hops[upstream].source)", sourceFormat: "\(source)",
                sink: "\"\(chain.hops[downstream].entity.name)\":\(chain.hops[downstream].sink ?? 0)", sinkFormat: "\(sink)")
        }
        for (branch, node) in zip(chain.branches, formats.branches) {
            let source = formats.hops[branch.hop].source
            guard !Self.node(node, follows: source, offered: access.nodeFormats(branch.node, code: source.code)) else { continue }
            return MediaLinkMismatch(
                source: "\"\(chain.hops[branch.hop].entity.name)\":\(chain.hops[branch.hop].source)", sourceFormat: "\(source)",
                sink: "\"\(branch.entity.name)\":0 (\(branch.node))", sinkFormat: "\(node)")
        }
        return nil
    }

    /// The first enabled link between two subdevices anywhere in the
    /// chain's graph whose ends differ now: the kernel validates every
    /// enabled link connected to the pipeline at STREAMON, not only the
    /// chain's (vimc's raw node streams only when its sensor's link to the
    /// debayer agrees too).
    package func mismatchInGraph() -> MediaLinkMismatch? {
        let graph = chain.graph
        for link in graph.links where link.isEnabled {
            guard let sourcePad = graph.pad(link.source), let sinkPad = graph.pad(link.sink),
                  let upstream = graph.entity(sourcePad.entity), let downstream = graph.entity(sinkPad.entity),
                  !upstream.isVideoNode, !downstream.isVideoNode, upstream.node != nil, downstream.node != nil else { continue }
            let from = MediaChain.Hop(entity: upstream, sink: nil, source: sourcePad.index)
            let into = MediaChain.Hop(entity: downstream, sink: sinkPad.index, source: sinkPad.index)
            guard let source = try? access.format(from, pad: sourcePad.index), let sink = try? access.format(into, pad: sinkPad.index),
                  !source.linksTo(sink) else { continue }
            return MediaLinkMismatch(source: graph.name(ofPad: sourcePad.id), sourceFormat: "\(source)", sink: graph.name(ofPad: sinkPad.id), sinkFormat: "\(sink)")
        }
        return nil
    }

    /// Whether a node capturing `node` takes frames from a pad with `source`.
    static func node(_ node: FrameFormat, follows source: MediaBusFormat, offered: [FourCC]) -> Bool {
        Int(node.width) == source.width && Int(node.height) == source.height && offered.contains(node.fourcc)
    }

    /// Configures the chain so that the pad linked to the video node gives
    /// `width`x`height` in a code `accept` takes, and returns the formats
    /// set. The sensor keeps its mode when an entity downstream can scale
    /// to the size (its field of view and timing unchanged; scaling in the
    /// camera's pipeline costs no copy); otherwise it takes the mode that
    /// covers the size best. Its codes are tried in turn, its current one
    /// first, until every link agrees (a code the next entity's sink pad
    /// does not list is passed over unset). With `frameInterval`, a mode whose
    /// listed intervals are all longer is passed over, and the sensor's
    /// interval is set once the formats are.
    ///
    /// - Throws: ``MediaPipelineError/cannotConfigure`` with what each
    ///   attempt ran into; ``MediaPipelineError/rateNotSettable`` when the
    ///   sensor sets no interval; a device error as it comes.
    package func configure(width: Int, height: Int, frameInterval: Fraction? = nil, accept: (UInt32) -> Bool) throws -> MediaPadFormats {
        try search(width: width, height: height, frameInterval: frameInterval, accept: accept).formats
    }

    /// ``configure(width:height:frameInterval:accept:)`` with the sensor
    /// modes tried, in order, the chosen one last.
    package func search(width: Int, height: Int, frameInterval: Fraction? = nil,
                        accept: (UInt32) -> Bool) throws -> (formats: MediaPadFormats, sensorModes: [MediaPlan.Attempt]) {
        guard let sensor = chain.hops.first else {
            throw MediaPipelineError.cannotConfigure(pipeline: chain.description, size: "\(width)x\(height)", tried: ["no subdevice"])
        }
        let found = try access.format(sensor, pad: sensor.source)
        let codes = [found.code] + access.codes(sensor, pad: sensor.source).filter { $0 != found.code }
        var tried: [MediaPlan.Attempt] = []
        for code in codes {
            // What the sensor feeds lists the codes its sink pad takes: one
            // it does not is refused without setting anything (a real
            // sensor's format change can be slow I2C work).
            if let next = chain.hops.dropFirst().first, let pad = next.sink {
                let taken = access.codes(next, pad: pad)
                if !taken.isEmpty, !taken.contains(code) {
                    tried.append(MediaPlan.Attempt(mode: MediaBusFormat.name(of: code), chosen: false, reason: "\"\(next.entity.name)\":\(pad) does not take it"))
                    continue
                }
            }
            var sizes = [(found.width, found.height)]
            for cover in Self.coveringSizes(access.sizes(sensor, pad: sensor.source, code: code), width: width, height: height)
            where !sizes.contains(where: { $0 == cover }) {
                sizes.append(cover)
            }
            for size in sizes {
                let mode = MediaBusFormat(code: code, width: size.0, height: size.1)
                if let frameInterval {
                    let offered = access.intervals(sensor, pad: sensor.source, code: code, width: size.0, height: size.1)
                    if let shortest = offered.min(by: { $0.seconds < $1.seconds }), shortest.seconds > frameInterval.seconds * 1.001 {
                        tried.append(MediaPlan.Attempt(mode: "\(mode)", chosen: false, reason: "\(sensor.entity.name) runs no faster than \(shortest) s"))
                        continue
                    }
                }
                switch try attempt(MediaBusFormat(code: code, width: size.0, height: size.1, field: found.field), width: width, height: height, accept: accept) {
                case .success(var formats):
                    if let frameInterval { formats.frameInterval = try setFrameInterval(frameInterval) }
                    return (formats, tried + [MediaPlan.Attempt(mode: "\(mode)", chosen: true)])
                case .failure(let reason): tried.append(MediaPlan.Attempt(mode: "\(mode)", chosen: false, reason: reason.text))
                }
            }
        }
        throw MediaPipelineError.cannotConfigure(pipeline: chain.description, size: "\(width)x\(height)", tried: tried.map { "\($0.mode): \($0.reason ?? "")" })
    }

    /// Sets the sensor's frame interval to `interval` (or the one its
    /// driver picks near it) and returns it.
    ///
    /// - Throws: ``MediaPipelineError/rateNotSettable`` when the sensor
    ///   has no interval to set.
    package func setFrameInterval(_ interval: Fraction) throws -> Fraction {
        guard let sensor = chain.hops.first, access.frameInterval(sensor, pad: sensor.source) != nil else {
            throw MediaPipelineError.rateNotSettable(
                video: chain.videoNode.node ?? chain.videoNode.name, sensor: chain.hops.first.map { "\($0.entity.name) (\($0.entity.node ?? "no node"))" } ?? "no sensor",
                asked: "\(rateLabel(interval.framesPerSecond)) fps")
        }
        return try access.setFrameInterval(interval, sensor, pad: sensor.source)
    }

    /// Puts `formats` back, sensor first (each sink pad's format resets
    /// what follows it in the entity, so crops and source pads come after).
    package func restore(_ formats: MediaPadFormats) throws {
        for (hop, saved) in zip(chain.hops, formats.hops) {
            if let pad = hop.sink, let sink = saved.sink {
                _ = try access.setFormat(sink, hop, pad: pad)
                if let crop = saved.crop { _ = try access.setCrop(crop, hop, pad: pad) }
            }
            _ = try access.setFormat(saved.source, hop, pad: hop.source)
        }
        for (branch, saved) in zip(chain.branches, formats.branches) { _ = try access.setNodeFormat(saved, branch.node) }
        // Last: a sensor's format may reset its interval.
        if let interval = formats.frameInterval, let sensor = chain.hops.first {
            _ = try access.setFrameInterval(interval, sensor, pad: sensor.source)
        }
    }

    private struct Refusal: Error { var text: String }

    private func attempt(_ sensorFormat: MediaBusFormat, width: Int, height: Int, accept: (UInt32) -> Bool) throws -> Result<MediaPadFormats, Refusal> {
        guard let sensor = chain.hops.first else { return .failure(Refusal(text: "no sensor")) }
        var upstream = try access.setFormat(sensorFormat, sensor, pad: sensor.source)
        guard upstream.code == sensorFormat.code else {
            return .failure(Refusal(text: "\(sensor.entity.name) gave \(upstream)"))
        }
        var hops = [MediaPadFormats.HopFormats(entity: sensor.entity.name, sink: nil, crop: nil, source: upstream)]
        var scaled = upstream.width == width && upstream.height == height
        for hop in chain.hops.dropFirst() {
            guard let pad = hop.sink else { return .failure(Refusal(text: "\(hop.entity.name) has no input pad")) }
            let sink = try access.setFormat(upstream, hop, pad: pad)
            guard upstream.linksTo(sink) else {
                return .failure(Refusal(text: "\"\(hop.entity.name)\":\(pad) took \(upstream) as \(sink)"))
            }
            var crop = access.crop(hop, pad: pad)
            var source = try access.format(hop, pad: hop.source)
            if !scaled {
                if crop != nil {
                    crop = try? access.setCrop(Self.aspectCrop(sink.width, sink.height, width, height), hop, pad: pad)
                }
                let asked = try access.setFormat(source.resized(width, height), hop, pad: hop.source)
                if asked.width == width, asked.height == height {
                    scaled = true
                    source = asked
                } else {
                    // Not a scaler: its input whole again, its output as it follows.
                    if crop != nil { crop = try? access.setCrop(PixelRectangle(x: 0, y: 0, width: sink.width, height: sink.height), hop, pad: pad) }
                    source = try access.format(hop, pad: hop.source)
                }
            }
            hops.append(MediaPadFormats.HopFormats(entity: hop.entity.name, sink: sink, crop: crop, source: source))
            upstream = source
        }
        guard upstream.width == width, upstream.height == height else {
            return .failure(Refusal(text: "the pipeline gives \(upstream.width)x\(upstream.height) (nothing on the way scales)"))
        }
        guard accept(upstream.code) else {
            return .failure(Refusal(text: "\(chain.videoNode.name) cannot capture \(MediaBusFormat.name(of: upstream.code))"))
        }
        // The nodes hanging off the chain follow their pads.
        var branches: [FrameFormat] = []
        for branch in chain.branches {
            let source = hops[branch.hop].source
            guard let fourcc = access.nodeFormats(branch.node, code: source.code).first else {
                return .failure(Refusal(text: "\(branch.entity.name) (\(branch.node)) cannot capture \(MediaBusFormat.name(of: source.code))"))
            }
            let set = try access.setNodeFormat(FrameFormat(fourcc: fourcc, width: UInt32(source.width), height: UInt32(source.height)), branch.node)
            guard Self.node(set, follows: source, offered: [fourcc]) else {
                return .failure(Refusal(text: "\(branch.entity.name) (\(branch.node)) took \(source) as \(set)"))
            }
            branches.append(set)
        }
        return .success(MediaPadFormats(hops: hops, branches: branches))
    }

    /// The size among `ranges` that covers `width`x`height` best: the size
    /// itself where a range holds it, else the smallest discrete size at
    /// least that large, else the largest.
    static func coveringSize(_ ranges: [MediaFrameSizeRange], width: Int, height: Int) -> (Int, Int)? {
        coveringSizes(ranges, width: width, height: height).first
    }

    /// Every size among `ranges` that could give `width`x`height`, best
    /// first: the size itself where a range holds it, then the discrete
    /// modes at least that large, smallest first; when none, the largest.
    static func coveringSizes(_ ranges: [MediaFrameSizeRange], width: Int, height: Int) -> [(Int, Int)] {
        var result: [(Int, Int)] = []
        if ranges.contains(where: { $0.contains(width, height) }) { result.append((width, height)) }
        let modes = ranges.filter { $0.minWidth == $0.maxWidth && $0.minHeight == $0.maxHeight }.map { ($0.maxWidth, $0.maxHeight) }
        for mode in modes.filter({ $0.0 >= width && $0.1 >= height }).sorted(by: { $0.0 * $0.1 < $1.0 * $1.1 })
        where !result.contains(where: { $0 == mode }) {
            result.append(mode)
        }
        if result.isEmpty, let largest = ranges.map({ ($0.maxWidth, $0.maxHeight) }).max(by: { $0.0 * $0.1 < $1.0 * $1.1 }) { result.append(largest) }
        return result
    }

    /// The largest rectangle of `width`:`height`'s aspect ratio centred in
    /// a `sourceWidth`x`sourceHeight` frame (even sizes and offsets).
    static func aspectCrop(_ sourceWidth: Int, _ sourceHeight: Int, _ width: Int, _ height: Int) -> PixelRectangle {
        guard width > 0, height > 0 else { return PixelRectangle(x: 0, y: 0, width: sourceWidth, height: sourceHeight) }
        var cropWidth = sourceWidth, cropHeight = sourceHeight
        if sourceWidth * height > sourceHeight * width {
            cropWidth = (sourceHeight * width / height) & ~1
        } else {
            cropHeight = (sourceWidth * height / width) & ~1
        }
        return PixelRectangle(x: ((sourceWidth - cropWidth) / 2) & ~1, y: ((sourceHeight - cropHeight) / 2) & ~1,
                              width: cropWidth, height: cropHeight)
    }
}
