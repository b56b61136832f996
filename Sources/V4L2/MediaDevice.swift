import CV4L2
import Platform
import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// A media controller device (/dev/mediaN): where a camera's sensor,
/// receiver, ISP and scaler are described as one graph.
///
/// The corresponding ioctls are `MEDIA_IOC_DEVICE_INFO` and
/// `MEDIA_IOC_G_TOPOLOGY`.
package enum MediaDevice {
    /// The media device nodes (/dev/mediaN), in number order.
    package static func nodePaths(in directory: String = "/dev", kernel: any KernelInterface) -> [String] {
        numberedDeviceNodes(in: directory, prefix: "media", kernel: kernel)
    }

    /// Reads the graph of the media device at `path`: every entity with
    /// the device node that reaches it, pads and data links.
    package static func graph(_ path: String, kernel: any KernelInterface) throws -> MediaGraph {
        let fd = try OwnedFD.open(path, nonBlocking: false, kernel: kernel)
        var info = media_device_info()
        try fd.control(.mediaDeviceInfo, &info)
        // Twice: once for the counts, once into arrays that size. A graph
        // that changed in between (a version bump) is read again.
        for _ in 0..<4 {
            var counts = media_v2_topology()
            try fd.control(.mediaTopology, &counts)
            var entities = [media_v2_entity](repeating: media_v2_entity(), count: Int(counts.num_entities))
            var interfaces = [media_v2_interface](repeating: media_v2_interface(), count: Int(counts.num_interfaces))
            var pads = [media_v2_pad](repeating: media_v2_pad(), count: Int(counts.num_pads))
            var links = [media_v2_link](repeating: media_v2_link(), count: Int(counts.num_links))
            var topology = counts
            try entities.withUnsafeMutableBufferPointer { e throws(DeviceError) in
                try interfaces.withUnsafeMutableBufferPointer { i throws(DeviceError) in
                    try pads.withUnsafeMutableBufferPointer { p throws(DeviceError) in
                        try links.withUnsafeMutableBufferPointer { l throws(DeviceError) in
                            topology.ptr_entities = address(e.baseAddress)
                            topology.ptr_interfaces = address(i.baseAddress)
                            topology.ptr_pads = address(p.baseAddress)
                            topology.ptr_links = address(l.baseAddress)
                            try fd.control(.mediaTopology, &topology)
                        }
                    }
                }
            }
            guard topology.topology_version == counts.topology_version else { continue }
            return assemble(path: path, info: info, entities: entities, interfaces: interfaces, pads: pads, links: links, kernel: kernel)
        }
        throw DeviceError(call: "MEDIA_IOC_G_TOPOLOGY", errno: .resourceTemporarilyUnavailable, device: path)
    }

    /// Which media device describes the V4L2 node `videoPath` (its
    /// interface's device number is the node's), and that graph; nil when
    /// none does.
    package static func graph(containing videoPath: String, kernel: any KernelInterface) -> MediaGraph? {
        for path in nodePaths(kernel: kernel) {
            guard let graph = try? graph(path, kernel: kernel) else { continue }
            if graph.entity(node: videoPath) != nil { return graph }
        }
        return nil
    }

    /// Enables or disables the data link `link` of `graph`
    /// (`MEDIA_IOC_SETUP_LINK`): what `media-ctl -l` does. Changes the
    /// board's routing, so only on request; refused by the kernel while
    /// the pipeline streams or when the link is immutable.
    package static func setLink(_ link: MediaGraph.Link, enabled: Bool, in graph: MediaGraph, kernel: any KernelInterface) throws {
        guard let source = graph.pad(link.source), let sink = graph.pad(link.sink) else {
            throw DeviceError(call: "MEDIA_IOC_SETUP_LINK", errno: .invalidArgument, device: graph.path)
        }
        let fd = try OwnedFD.open(graph.path, nonBlocking: false, kernel: kernel)
        var description = media_link_desc()
        description.source.entity = source.entity
        description.source.index = UInt16(truncatingIfNeeded: source.index)
        description.source.flags = UInt32(MEDIA_PAD_FL_SOURCE)
        description.sink.entity = sink.entity
        description.sink.index = UInt16(truncatingIfNeeded: sink.index)
        description.sink.flags = UInt32(MEDIA_PAD_FL_SINK)
        description.flags = enabled ? UInt32(MEDIA_LNK_FL_ENABLED) : 0
        try fd.control(.mediaSetupLink, &description)
    }

    /// The device node of the entity named `entity` in a media device of
    /// `driver` and `model`: a media-controller camera found again after
    /// its driver was unbound and bound (its nodes renumbered, and every
    /// node of the driver sharing one bus_info).
    package static func node(ofEntity entity: String, driver: String, model: String, kernel: any KernelInterface) -> String? {
        for path in nodePaths(kernel: kernel) {
            guard let graph = try? graph(path, kernel: kernel), graph.driver == driver, graph.model == model,
                  let node = graph.entities.first(where: { $0.name == entity })?.node else { continue }
            return node
        }
        return nil
    }

    private static func address(_ pointer: UnsafeMutableRawPointer?) -> UInt64 {
        UInt64(UInt(bitPattern: pointer))
    }

    private static func address<T>(_ pointer: UnsafeMutablePointer<T>?) -> UInt64 {
        UInt64(UInt(bitPattern: pointer))
    }

    private static func assemble(
        path: String, info: media_device_info, entities: [media_v2_entity], interfaces: [media_v2_interface],
        pads: [media_v2_pad], links: [media_v2_link], kernel: any KernelInterface
    ) -> MediaGraph {
        let interfaceLinkType = UInt32(MEDIA_LNK_FL_INTERFACE_LINK)
        let typeMask = UInt32(truncatingIfNeeded: MEDIA_LNK_FL_LINK_TYPE)
        var nodes: [UInt32: String] = [:]
        for link in links where link.flags & typeMask == interfaceLinkType {
            guard let interface = interfaces.first(where: { $0.id == link.source_id }) else { continue }
            let number = interface.devnode
            if let node = deviceNode(major: number.major, minor: number.minor, kernel: kernel) { nodes[link.sink_id] = node }
        }
        return MediaGraph(
            driver: text(info.driver), model: text(info.model), path: path,
            entities: entities.map { MediaGraph.Entity(id: $0.id, name: text($0.name), function: $0.function, node: nodes[$0.id]) },
            pads: pads.map { MediaGraph.Pad(id: $0.id, entity: $0.entity_id, index: $0.index, isSink: $0.flags & UInt32(MEDIA_PAD_FL_SINK) != 0) },
            links: links.filter { $0.flags & typeMask == UInt32(MEDIA_LNK_FL_DATA_LINK) }.map {
                MediaGraph.Link(id: $0.id, source: $0.source_id, sink: $0.sink_id,
                                isEnabled: $0.flags & UInt32(MEDIA_LNK_FL_ENABLED) != 0,
                                isImmutable: $0.flags & UInt32(MEDIA_LNK_FL_IMMUTABLE) != 0)
            })
    }

    /// "/dev/" + the DEVNAME udev would use, from sysfs
    /// (/sys/dev/char/MAJOR:MINOR/uevent).
    static func deviceNode(major: UInt32, minor: UInt32, kernel: any KernelInterface) -> String? {
        guard let uevent = readText("/sys/dev/char/\(major):\(minor)/uevent", kernel: kernel) else { return nil }
        for line in uevent.split(separator: "\n") where line.hasPrefix("DEVNAME=") {
            return "/dev/" + line.dropFirst(8)
        }
        return nil
    }

    /// A small text file's contents (sysfs), nil when it cannot be read.
    static func readText(_ path: String, kernel: any KernelInterface) -> String? {
        let descriptor = kernel.open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { _ = kernel.close(descriptor, backend: .system) }
        var bytes = [UInt8](repeating: 0, count: 4096)
        let count = bytes.withUnsafeMutableBytes { raw -> Int in
            guard let base = raw.baseAddress else { return -1 }
            return kernel.read(descriptor, base, raw.count)
        }
        guard count >= 0 else { return nil }
        return String(decoding: bytes.prefix(count), as: UTF8.self)
    }

    /// A fixed C character array as a string, up to its first NUL.
    static func text<T>(_ tuple: T) -> String {
        withUnsafeBytes(of: tuple) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
