import Platform
import V4L2

/// The media devices `framepipe list` describes: those with links (a
/// camera pipeline), each with its pads' formats and its linear pipelines.
package enum MediaListing {
    /// Every media device with at least one data link, described; the
    /// devices that could not be read, as one line each.
    package static func describeAll(kernel: any KernelInterface) -> (graphs: [MediaGraphInfo], problems: [String]) {
        var graphs: [MediaGraphInfo] = []
        var problems: [String] = []
        for path in MediaDevice.nodePaths(kernel: kernel) {
            do {
                let graph = try MediaDevice.graph(path, kernel: kernel)
                guard !graph.links.isEmpty else { continue }
                graphs.append(describe(graph, kernel: kernel))
            } catch let error as UserFacingError {
                problems.append(error.description)
            } catch {
                problems.append("\(path): \(error)")
            }
        }
        return (graphs, problems)
    }

    /// `graph` with its subdevice pads' formats read now.
    package static func describe(_ graph: MediaGraph, kernel: any KernelInterface) -> MediaGraphInfo {
        let access = SubdeviceAccess(kernel: kernel)
        let pipelines = graph.entities.filter(\.isVideoNode).compactMap { node -> String? in
            guard let path = node.node, let chain = try? MediaChain(ending: path, in: graph), !chain.hops.isEmpty else { return nil }
            return "\(chain.description) (\(path))"
        }
        func hop(_ entity: MediaGraph.Entity) -> MediaChain.Hop { MediaChain.Hop(entity: entity, sink: nil, source: 0) }
        return MediaGraphInfo(
            graph: graph, pipelines: pipelines,
            format: { entity, pad in entity.node == nil ? nil : try? access.format(hop(entity), pad: pad) },
            crop: { entity, pad in entity.node == nil ? nil : access.crop(hop(entity), pad: pad) })
    }
}
