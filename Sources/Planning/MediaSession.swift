import Configuration
import Logging
import Platform
import V4L2

private let mediaLogger = Logger(label: "framepipe.media")

/// A camera behind a media controller as one run uses it: its chain, the
/// formats found on its pads, those framepipe set (if it had to), and the
/// capture formats the video node can take from the chain's last pad.
/// Restores what it changed with ``restore()``.
package final class MediaSession {
    /// The chain from the sensor to the video node.
    package let chain: MediaChain
    /// The formats found before anything was changed.
    package let found: MediaPadFormats
    /// The formats framepipe set; nil when the pipeline was used as found.
    package let configured: MediaPadFormats?
    /// The pixel formats the video node captures from the chain's last pad.
    package let captureFormats: [FourCC]
    /// The links framepipe enabled (``MediaChain/linksToEnable``).
    package var enabledLinks: [MediaGraph.Link] { chain.linksToEnable }
    /// Whether the asked frame rate was set on the sensor (the video node
    /// sets none): the camera's own rate negotiation is then skipped.
    package let setsFrameRate: Bool
    /// The sensor modes tried, the one the pipeline runs with last.
    package let sensorModes: [MediaPlan.Attempt]
    private let configurator: MediaPipelineConfigurator
    private let restoresAtExit: Bool
    private let kernel: any KernelInterface
    private var restored = false

    private init(chain: MediaChain, found: MediaPadFormats, configured: MediaPadFormats?, captureFormats: [FourCC],
                 configurator: MediaPipelineConfigurator, restoresAtExit: Bool, setsFrameRate: Bool,
                 sensorModes: [MediaPlan.Attempt], kernel: any KernelInterface) {
        self.chain = chain
        self.found = found
        self.configured = configured
        self.captureFormats = captureFormats
        self.configurator = configurator
        self.restoresAtExit = restoresAtExit
        self.setsFrameRate = setsFrameRate
        self.sensorModes = sensorModes
        self.kernel = kernel
    }

    /// Prepares `device`'s media pipeline for `entry` (its size and
    /// format) under its `media` policy; nil for a node without
    /// `V4L2_CAP_IO_MC` or a media device describing it. A graph that is
    /// not one chain is used as configured, with a warning: only its last
    /// hop is read (nil when even that cannot be).
    ///
    /// Links the walk had to enable (`enableMediaLinks`) are enabled
    /// first; they are disabled again with the formats.
    ///
    /// - Throws: ``MediaPipelineError`` when the pipeline as it is cannot
    ///   give what was asked and the policy forbids changing it, when no
    ///   configuration gives it, or when a link would have to be enabled
    ///   and that was not allowed; device errors from the subdevices.
    package static func prepare(_ device: VideoDevice, entry: SourceConfiguration, kernel: any KernelInterface) throws -> MediaSession? {
        guard device.capability.deviceCapabilities.contains(.ioMediaController) else { return nil }
        guard let graph = MediaDevice.graph(containing: device.path, kernel: kernel) else {
            mediaLogger.warning("no media device describes this node; using it as configured", metadata: ["device": "\(device.path)"])
            return nil
        }
        let chain: MediaChain
        do { chain = try MediaChain(ending: device.path, in: graph, enablingLinks: entry.enableMediaLinks && entry.media != .asIs) } catch {
            if case .disabledLink = error { throw error }
            mediaLogger.warning("\(error.description)")
            guard let last = try? MediaChain(lastHopInto: device.path, in: graph) else { return nil }
            return try asConfigured(last, device: device, entry: entry, kernel: kernel)
        }
        try enable(chain.linksToEnable, in: graph, kernel: kernel)
        do {
            return try prepare(chain, device: device, entry: entry, kernel: kernel)
        } catch {
            disable(chain.linksToEnable, in: graph, kernel: kernel)
            throw error
        }
    }

    /// The formats part of ``prepare(_:entry:kernel:)``, the chain's
    /// links enabled.
    private static func prepare(_ chain: MediaChain, device: VideoDevice, entry: SourceConfiguration, kernel: any KernelInterface) throws -> MediaSession {
        let configurator = MediaPipelineConfigurator(chain: chain, access: SubdeviceAccess(kernel: kernel))
        let found = try configurator.current()
        let formats = { (code: UInt32) in MediaVideoNode(device).formats(mediaBusCode: code) }
        let accept = { (code: UInt32) in
            let offered = formats(code)
            return entry.format.map { offered.contains($0) } ?? !offered.isEmpty
        }
        let asked = "\(entry.width)x\(entry.height)" + (entry.format.map { " \($0)" } ?? "")
        // A rate the node cannot set goes to the sensor.
        let rate = entry.frameRate.map(PipelineRequest.frameInterval(forRate:)).flatMap { MediaVideoNode(device).setsFrameInterval ? nil : $0 }
        let rateAsFound = rate.map { asked in found.frameInterval.map { abs($0.seconds - asked.seconds) <= asked.seconds * 0.001 } ?? false } ?? true
        let asFound = [MediaPlan.Attempt(mode: found.hops.first.map { "\($0.source)" } ?? "none", chosen: true, reason: "as configured")]
        let session = { (configured: MediaPadFormats?, modes: [MediaPlan.Attempt]) in
            MediaSession(chain: chain, found: found, configured: configured, captureFormats: (configured ?? found).output.map { formats($0.code) } ?? [],
                         configurator: configurator, restoresAtExit: entry.media == .auto, setsFrameRate: rate != nil, sensorModes: modes, kernel: kernel)
        }
        let mismatch = configurator.mismatch(in: found)
        if let output = found.output, mismatch == nil, output.width == entry.width, output.height == entry.height, accept(output.code) {
            guard let rate, !rateAsFound else { return session(nil, asFound) }
            if entry.media == .asIs, let interval = found.frameInterval, let sensor = chain.hops.first {
                throw MediaPipelineError.outputDiffers(video: device.path, pad: "\"\(sensor.entity.name)\":\(sensor.source)",
                                                      format: "a frame interval of \(interval) s", asked: "\(rateLabel(rate.framesPerSecond)) fps")
            }
            var configured = found
            // Throws rateNotSettable for a sensor without intervals, as-is or not.
            configured.frameInterval = try configurator.setFrameInterval(rate)
            return session(configured, asFound)
        }
        if entry.media == .asIs {
            if let mismatch { throw MediaPipelineError.linkMismatch(video: device.path, link: mismatch) }
            let last = chain.hops.last.map { "\"\($0.entity.name)\":\($0.source)" } ?? chain.videoNode.name
            throw MediaPipelineError.outputDiffers(video: device.path, pad: last, format: found.output.map { "\($0)" } ?? "nothing", asked: asked)
        }
        let configured: MediaPadFormats
        let modes: [MediaPlan.Attempt]
        do {
            (configured, modes) = try configurator.search(width: entry.width, height: entry.height, frameInterval: rate, accept: accept)
        } catch {
            try? configurator.restore(found)
            throw error
        }
        mediaLogger.info("media pipeline configured", metadata: ["device": "\(device.path)", "formats": "\(configured.describe(chain))"])
        return session(configured, modes)
    }

    /// A graph that is not one chain, used as configured: the node
    /// captures what the pad feeding it carries, in the asked size, or the
    /// camera is refused naming that pad's format.
    private static func asConfigured(_ last: MediaChain, device: VideoDevice, entry: SourceConfiguration, kernel: any KernelInterface) throws -> MediaSession {
        let configurator = MediaPipelineConfigurator(chain: last, access: SubdeviceAccess(kernel: kernel))
        let found = try configurator.current()
        let offered = found.output.map { MediaVideoNode(device).formats(mediaBusCode: $0.code) } ?? []
        let usable = offered.filter { entry.format == nil || entry.format == $0 }
        guard let output = found.output, output.width == entry.width, output.height == entry.height, !usable.isEmpty else {
            throw MediaPipelineError.unconfigurable(
                video: device.path, pad: last.hops.last.map { "\"\($0.entity.name)\":\($0.source)" } ?? last.videoNode.name,
                format: found.output.map { "\($0)" } ?? "nothing",
                asked: "\(entry.width)x\(entry.height)" + (entry.format.map { " \($0)" } ?? ""))
        }
        return MediaSession(chain: last, found: found, configured: nil, captureFormats: offered, configurator: configurator,
                            restoresAtExit: false, setsFrameRate: false,
                            sensorModes: [MediaPlan.Attempt(mode: "\(output)", chosen: true, reason: "as configured; not one chain")], kernel: kernel)
    }

    /// Enables `links`; when one fails, disables those enabled before it
    /// and throws.
    private static func enable(_ links: [MediaGraph.Link], in graph: MediaGraph, kernel: any KernelInterface) throws {
        for (index, link) in links.enumerated() {
            do {
                try MediaDevice.setLink(link, enabled: true, in: graph, kernel: kernel)
                mediaLogger.info("media link enabled", metadata: ["link": "\(graph.name(ofPad: link.source)) → \(graph.name(ofPad: link.sink))"])
            } catch {
                disable(Array(links.prefix(index)), in: graph, kernel: kernel)
                throw error
            }
        }
    }

    /// Disables `links` again, last first; failures are logged (the
    /// formats are restored either way).
    private static func disable(_ links: [MediaGraph.Link], in graph: MediaGraph, kernel: any KernelInterface) {
        for link in links.reversed() {
            do { try MediaDevice.setLink(link, enabled: false, in: graph, kernel: kernel) } catch {
                mediaLogger.warning("could not disable the media link framepipe enabled", metadata: [
                    "link": "\(graph.name(ofPad: link.source)) → \(graph.name(ofPad: link.sink))", "error": "\(error)",
                ])
            }
        }
    }

    /// Puts the formats found back when framepipe changed them and the
    /// policy says so, or `evenIfKept` (a setup that failed); once, with
    /// streaming off.
    package func restore(evenIfKept: Bool = false) throws {
        guard !restored, restoresAtExit || evenIfKept, configured != nil || !enabledLinks.isEmpty else { return }
        restored = true
        defer { Self.disable(enabledLinks, in: chain.graph, kernel: kernel) }
        if configured != nil { try configurator.restore(found) }
    }

    /// Why the kernel refused to stream (EPIPE at `VIDIOC_STREAMON`): the
    /// link whose ends differ now (the chain's first, then any other
    /// between subdevices of the graph), nil when every link framepipe can
    /// see agrees (the refusal came from elsewhere).
    package func refusedLink(video: String) -> MediaPipelineError? {
        guard let now = try? configurator.current(), let link = configurator.mismatch(in: now) ?? configurator.mismatchInGraph() else { return nil }
        return chain.isLastHopOnly ? .unconfigurableLinkMismatch(video: video, link: link) : .linkMismatch(video: video, link: link)
    }

    /// The media pipeline in the camera's plan.
    package var plan: MediaPlan { MediaPlan(pipeline: summary, sensorModes: sensorModes) }

    /// What the plan line says: "media /dev/media2 (vimc): Sensor A :0
    /// SBGGR8_1X8/640x480 → ... (configured; restored at exit)".
    package var summary: String {
        var state = configured == nil ? "as configured" : restoresAtExit ? "configured by framepipe; restored at exit" : "configured by framepipe; left so at exit"
        if !enabledLinks.isEmpty {
            let links = enabledLinks.map { "\(chain.graph.name(ofPad: $0.source)) → \(chain.graph.name(ofPad: $0.sink))" }.joined(separator: ", ")
            state += "; link \(links) enabled by framepipe" + (restoresAtExit ? ", disabled at exit" : ", left enabled")
        }
        return "media \(chain.graph.path) (\(chain.graph.driver)): \((configured ?? found).describe(chain)) → \(chain.videoNode.name) (\(state))"
    }
}
