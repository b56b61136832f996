import Platform
import V4L2

/// A camera's media pipeline as a chain: the sensor first, then each
/// subdevice frames pass through (a receiver, a debayer, a scaler), ending
/// at the pad linked to the video node framepipe captures from. Found by
/// walking the enabled data links upstream from the node, as libcamera's
/// simple pipeline handler does; only linear pipelines are chains.
package struct MediaChain: Sendable, Equatable {
    /// One subdevice of the chain and the pads frames enter and leave by.
    package struct Hop: Sendable, Equatable {
        /// The entity (its name and subdevice node).
        package var entity: MediaGraph.Entity
        /// The pad frames enter by; nil for the sensor.
        package var sink: UInt32?
        /// The pad frames leave by.
        package var source: UInt32
    }

    /// The media device's graph.
    package var graph: MediaGraph
    /// Sensor first, the subdevice linked to the video node last.
    package var hops: [Hop]
    /// The video node's entity.
    package var videoNode: MediaGraph.Entity
    /// Other video nodes fed by an enabled link from a hop's source pad
    /// (vimc's raw capture node beside the debayer). The kernel validates
    /// those links too when the chain streams, so their formats must
    /// follow the pad's.
    package var branches: [Branch] = []
    /// Disabled links the walk chose to enable (asked for with
    /// `enableMediaLinks`): one per entity that had no enabled input.
    package var linksToEnable: [MediaGraph.Link] = []
    /// Whether this is only the last hop of a graph that is not one chain
    /// (``init(lastHopInto:in:)``): framepipe reads it, never configures it.
    package var isLastHopOnly = false

    /// A video node hanging off a hop's source pad.
    package struct Branch: Sendable, Equatable {
        /// The hop whose source pad feeds it.
        package var hop: Int
        /// The node's entity (with its device node).
        package var entity: MediaGraph.Entity
        /// Its device node.
        package var node: String
    }

    /// The chain that ends at the V4L2 node `videoPath` in `graph`.
    ///
    /// An entity with inputs but no enabled one takes a disabled link
    /// when `enablingLinks` (the first, in the kernel's order, whose
    /// upstream entity starts a chain or has one enabled input); it is
    /// recorded in ``linksToEnable``, and enabled by whoever runs the chain.
    ///
    /// - Throws: ``MediaPipelineError/notLinear`` when an entity on the way
    ///   takes frames from several enabled links, or none and no link
    ///   could be enabled; ``MediaPipelineError/disabledLink`` when one
    ///   could but `enablingLinks` is false;
    ///   ``MediaPipelineError/noSubdeviceNode`` when an entity cannot be
    ///   configured from user space.
    package init(ending videoPath: String, in graph: MediaGraph, enablingLinks: Bool = false) throws(MediaPipelineError) {
        guard let node = graph.entity(node: videoPath) else {
            throw .notInGraph(video: videoPath, media: graph.path)
        }
        self.graph = graph
        videoNode = node
        var hops: [Hop] = []
        var entity = node
        var visited: Set<UInt32> = [node.id]
        while true {
            let inputs = graph.pads(of: entity.id).filter(\.isSink)
            if inputs.isEmpty {
                // The sensor (or whatever starts the chain): done.
                guard entity.id != node.id else { throw .notLinear(video: videoPath, media: graph.path, why: "\(entity.name) has no input pad") }
                break
            }
            let enabled = inputs.flatMap { graph.links(into: $0.id).filter(\.isEnabled) }
            let link: MediaGraph.Link
            if enabled.count == 1, let only = enabled.first {
                link = only
            } else if enabled.isEmpty, let candidate = Self.linkToEnable(into: inputs, in: graph, avoiding: visited) {
                guard enablingLinks else {
                    throw .disabledLink(video: videoPath, entity: entity.name, link: "\(graph.name(ofPad: candidate.source)) → \(graph.name(ofPad: candidate.sink))")
                }
                link = candidate
                linksToEnable.append(candidate)
            } else {
                let why = enabled.isEmpty ? "no enabled link into \(entity.name), and none that can be enabled" : "\(entity.name) takes frames from \(enabled.count) enabled links"
                throw .notLinear(video: videoPath, media: graph.path, why: why)
            }
            guard let sourcePad = graph.pad(link.source), let sinkPad = graph.pad(link.sink),
                  let upstream = graph.entity(sourcePad.entity) else {
                throw .notLinear(video: videoPath, media: graph.path, why: "link \(link.id) joins unknown pads")
            }
            guard visited.insert(upstream.id).inserted else {
                throw .notLinear(video: videoPath, media: graph.path, why: "the links loop at \(upstream.name)")
            }
            guard upstream.node != nil else { throw .noSubdeviceNode(entity: upstream.name, media: graph.path) }
            // The entity examined is the first hop so far (unless it is the
            // video node): frames enter it by this link's sink pad.
            if entity.id != node.id { hops[0].sink = sinkPad.index }
            hops.insert(Hop(entity: upstream, sink: nil, source: sourcePad.index), at: 0)
            entity = upstream
        }
        self.hops = hops
        // Links out of each hop's source pad to somewhere else than the next
        // hop: another video node is kept in step; anything else makes the
        // pipeline more than a chain.
        for (index, hop) in hops.enumerated() {
            guard let pad = graph.pads(of: hop.entity.id).first(where: { $0.index == hop.source && !$0.isSink }) else { continue }
            let next = index + 1 < hops.count ? hops[index + 1].entity.id : node.id
            for link in graph.links(outOf: pad.id) where link.isEnabled {
                guard let sinkPad = graph.pad(link.sink), sinkPad.entity != next, let other = graph.entity(sinkPad.entity) else { continue }
                guard other.isVideoNode, let path = other.node else {
                    throw .notLinear(video: videoPath, media: graph.path, why: "\(hop.entity.name) also feeds \(other.name)")
                }
                branches.append(Branch(hop: index, entity: other, node: path))
            }
        }
    }

    /// Only the last hop into the V4L2 node `videoPath`: the entity whose
    /// source pad feeds it, for a graph that is not one chain, used as
    /// configured (what that pad carries is what the node can capture).
    ///
    /// - Throws: ``MediaPipelineError/notLinear`` unless exactly one
    ///   enabled link feeds the node; ``MediaPipelineError/noSubdeviceNode``
    ///   when the entity behind it has no subdevice node to read.
    package init(lastHopInto videoPath: String, in graph: MediaGraph) throws(MediaPipelineError) {
        guard let node = graph.entity(node: videoPath) else { throw .notInGraph(video: videoPath, media: graph.path) }
        let enabled = graph.pads(of: node.id).filter(\.isSink).flatMap { graph.links(into: $0.id).filter(\.isEnabled) }
        guard enabled.count == 1, let link = enabled.first, let pad = graph.pad(link.source), let upstream = graph.entity(pad.entity) else {
            throw .notLinear(video: videoPath, media: graph.path, why: "\(enabled.count) enabled links into \(node.name)")
        }
        guard upstream.node != nil else { throw .noSubdeviceNode(entity: upstream.name, media: graph.path) }
        self.graph = graph
        videoNode = node
        hops = [Hop(entity: upstream, sink: nil, source: pad.index)]
        isLastHopOnly = true
    }

    /// The disabled link into one of `inputs` to enable: not immutable,
    /// from an entity with a subdevice node not walked yet, that starts a
    /// chain (no inputs) or has exactly one enabled input; the first such
    /// in the kernel's order.
    private static func linkToEnable(into inputs: [MediaGraph.Pad], in graph: MediaGraph, avoiding visited: Set<UInt32>) -> MediaGraph.Link? {
        let candidates = inputs.flatMap { graph.links(into: $0.id) }.filter { !$0.isEnabled && !$0.isImmutable }
        return candidates.first { link in
            guard let pad = graph.pad(link.source), let upstream = graph.entity(pad.entity), upstream.node != nil,
                  !visited.contains(upstream.id) else { return false }
            let upstreamInputs = graph.pads(of: upstream.id).filter(\.isSink)
            return upstreamInputs.isEmpty || upstreamInputs.flatMap { graph.links(into: $0.id).filter(\.isEnabled) }.count == 1
        }
    }

    /// Each link of the chain between two subdevices, as (source hop,
    /// sink hop) index pairs: hop i's source pad feeds hop i+1's sink pad.
    package var subdeviceLinks: [(Int, Int)] { hops.indices.dropLast().map { ($0, $0 + 1) } }

    /// "Sensor A → Debayer A → Scaler → RGB/YUV Capture".
    package var description: String { (hops.map(\.entity.name) + [videoNode.name]).joined(separator: " → ") }
}

/// Why framepipe cannot use or configure a media pipeline.
package enum MediaPipelineError: UserFacingError, Sendable, Equatable {
    /// The media device does not describe this node.
    case notInGraph(video: String, media: String)
    /// The pipeline into the node is not one chain.
    case notLinear(video: String, media: String, why: String)
    /// An entity on the way has no subdevice node to configure it by.
    case noSubdeviceNode(entity: String, media: String)
    /// No enabled link feeds `entity`; `link` could, if framepipe were
    /// allowed to enable it.
    case disabledLink(video: String, entity: String, link: String)
    /// No sensor code and size gave the asked size in a code the video
    /// node captures; `tried` says what each attempt ran into.
    case cannotConfigure(pipeline: String, size: String, tried: [String])
    /// A rate was asked for, and neither the video node nor the sensor
    /// sets a frame interval.
    case rateNotSettable(video: String, sensor: String, asked: String)
    /// A link's two ends carry different formats and framepipe was asked
    /// to use the pipeline as it is (or could not configure it).
    case linkMismatch(video: String, link: MediaLinkMismatch)
    /// As ``linkMismatch(video:link:)``, in a graph framepipe cannot
    /// configure (not one chain).
    case unconfigurableLinkMismatch(video: String, link: MediaLinkMismatch)
    /// The pipeline as it is gives another size or a code the node cannot
    /// capture, and framepipe was asked not to configure it.
    case outputDiffers(video: String, pad: String, format: String, asked: String)
    /// The pipeline as it is gives another size or a code the node cannot
    /// capture, and framepipe cannot configure it (not one chain).
    case unconfigurable(video: String, pad: String, format: String, asked: String)

    /// One line naming the node, the link or pad, and what to change.
    package var description: String {
        switch self {
        case .notInGraph(let video, let media):
            return "\(video): \(media) does not describe this node; expected the media device of its pipeline"
        case .notLinear(let video, let media, let why):
            return "\(video): the media pipeline in \(media) is not one chain (\(why)); framepipe uses it as configured"
        case .noSubdeviceNode(let entity, let media):
            return "\(media): \(entity) has no subdevice node to configure it by; framepipe uses the pipeline as configured"
        case .disabledLink(let video, let entity, let link):
            return "\(video): no enabled media link feeds \(entity); enabling \(link) changes the board's routing: "
                + "allow it with --enable-media-links (source key enableMediaLinks) or enable a link with media-ctl -l"
        case .rateNotSettable(let video, let sensor, let asked):
            return "\(video): cannot set a frame interval of \(asked): neither the node (VIDIOC_S_PARM) nor \(sensor) (VIDIOC_SUBDEV_S_FRAME_INTERVAL) sets one; "
                + "leave the rate out (--fps, source.frameRate) and the pipeline runs at its own"
        case .cannotConfigure(let pipeline, let size, let tried):
            return "\(pipeline): no sensor format gives \(size) at the video node; tried \(tried.joined(separator: "; "))"
        case .linkMismatch(let video, let link):
            return "\(video): \(link.refusal); set them equal (media-ctl -V) or let framepipe configure the pipeline (--media auto)"
        case .unconfigurable(let video, let pad, let format, let asked):
            return "\(video): the media pipeline gives \(format) at \(pad), not the asked \(asked), and framepipe cannot configure a graph that is not one chain; "
                + "ask for that, or set the pads with media-ctl -V"
        case .unconfigurableLinkMismatch(let video, let link):
            return "\(video): \(link.refusal), and framepipe cannot configure a graph that is not one chain; set them equal with media-ctl -V"
        case .outputDiffers(let video, let pad, let format, let asked):
            return "\(video): the media pipeline gives \(format) at \(pad), not the asked \(asked); ask for that, or let framepipe configure the pipeline (--media auto)"
        }
    }

    /// Pipelines framepipe cannot change as asked are requests it cannot
    /// meet (exit 65); the others are warnings in a run.
    package var category: ErrorCategory { .invalidRequest }
}
