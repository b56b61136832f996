import Platform
import V4L2

/// How the media pipeline's configurator reads and sets pad formats: the
/// subdevice nodes in a run, a model of a pipeline in unit tests.
package protocol MediaPadAccess: AnyObject {
    /// The active format on `hop`'s pad `pad`.
    func format(_ hop: MediaChain.Hop, pad: UInt32) throws -> MediaBusFormat
    /// Sets it; returns what the driver made of it.
    func setFormat(_ format: MediaBusFormat, _ hop: MediaChain.Hop, pad: UInt32) throws -> MediaBusFormat
    /// The codes the pad offers.
    func codes(_ hop: MediaChain.Hop, pad: UInt32) -> [UInt32]
    /// The frame sizes the pad offers for `code`.
    func sizes(_ hop: MediaChain.Hop, pad: UInt32, code: UInt32) -> [MediaFrameSizeRange]
    /// The pad's crop rectangle; nil when the entity does not crop there.
    func crop(_ hop: MediaChain.Hop, pad: UInt32) -> PixelRectangle?
    /// Sets it; returns what the driver made of it.
    func setCrop(_ rectangle: PixelRectangle, _ hop: MediaChain.Hop, pad: UInt32) throws -> PixelRectangle
    /// The pad's frame interval; nil when the entity sets none.
    func frameInterval(_ hop: MediaChain.Hop, pad: UInt32) -> Fraction?
    /// Sets it; returns what the driver made of it.
    func setFrameInterval(_ interval: Fraction, _ hop: MediaChain.Hop, pad: UInt32) throws -> Fraction
    /// The intervals the pad offers for `code` at `width`x`height`.
    func intervals(_ hop: MediaChain.Hop, pad: UInt32, code: UInt32, width: Int, height: Int) -> [Fraction]
    /// A video node's capture format (a branch of the chain).
    func nodeFormat(_ node: String) throws -> FrameFormat
    /// Sets it; returns what the driver made of it.
    func setNodeFormat(_ format: FrameFormat, _ node: String) throws -> FrameFormat
    /// The pixel formats the node captures from a pad with `code`.
    func nodeFormats(_ node: String, code: UInt32) -> [FourCC]
}

/// ``MediaPadAccess`` through each entity's subdevice node, opened once.
package final class SubdeviceAccess: MediaPadAccess {
    private let kernel: any KernelInterface
    private var open: [String: Subdevice] = [:]
    private var nodes: [String: VideoDevice] = [:]

    /// Access that opens subdevice nodes on `kernel`.
    package init(kernel: any KernelInterface) { self.kernel = kernel }

    private func subdevice(_ hop: MediaChain.Hop) throws -> Subdevice {
        guard let path = hop.entity.node else { throw MediaPipelineError.noSubdeviceNode(entity: hop.entity.name, media: "") }
        if let device = open[path] { return device }
        let device = try Subdevice(path, kernel: kernel)
        open[path] = device
        return device
    }

    package func format(_ hop: MediaChain.Hop, pad: UInt32) throws -> MediaBusFormat {
        try subdevice(hop).format(pad: pad)
    }

    package func setFormat(_ format: MediaBusFormat, _ hop: MediaChain.Hop, pad: UInt32) throws -> MediaBusFormat {
        try subdevice(hop).setFormat(format, pad: pad)
    }

    package func codes(_ hop: MediaChain.Hop, pad: UInt32) -> [UInt32] {
        (try? subdevice(hop).codes(pad: pad)) ?? []
    }

    package func sizes(_ hop: MediaChain.Hop, pad: UInt32, code: UInt32) -> [MediaFrameSizeRange] {
        (try? subdevice(hop).sizes(pad: pad, code: code)) ?? []
    }

    package func crop(_ hop: MediaChain.Hop, pad: UInt32) -> PixelRectangle? {
        (try? subdevice(hop))?.crop(pad: pad)
    }

    package func setCrop(_ rectangle: PixelRectangle, _ hop: MediaChain.Hop, pad: UInt32) throws -> PixelRectangle {
        try subdevice(hop).setCrop(rectangle, pad: pad)
    }

    package func frameInterval(_ hop: MediaChain.Hop, pad: UInt32) -> Fraction? {
        (try? subdevice(hop))?.frameInterval(pad: pad)
    }

    package func setFrameInterval(_ interval: Fraction, _ hop: MediaChain.Hop, pad: UInt32) throws -> Fraction {
        try subdevice(hop).setFrameInterval(interval, pad: pad)
    }

    package func intervals(_ hop: MediaChain.Hop, pad: UInt32, code: UInt32, width: Int, height: Int) -> [Fraction] {
        (try? subdevice(hop))?.intervals(pad: pad, code: code, width: width, height: height) ?? []
    }

    private func node(_ path: String) throws -> VideoDevice {
        if let device = nodes[path] { return device }
        let device = try VideoDevice.open(path, kernel: kernel)
        nodes[path] = device
        return device
    }

    package func nodeFormat(_ node: String) throws -> FrameFormat {
        try MediaVideoNode(self.node(node)).frameFormat()
    }

    package func setNodeFormat(_ format: FrameFormat, _ node: String) throws -> FrameFormat {
        try MediaVideoNode(self.node(node)).setFrameFormat(format)
    }

    package func nodeFormats(_ node: String, code: UInt32) -> [FourCC] {
        guard let device = try? self.node(node) else { return [] }
        return MediaVideoNode(device).formats(mediaBusCode: code)
    }
}
