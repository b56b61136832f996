import Platform
import V4L2

/// The formats on a media chain's pads at one moment: what framepipe found
/// (and puts back at exit) or what it set.
package struct MediaPadFormats: Sendable, Equatable {
    /// One hop's pads.
    package struct HopFormats: Sendable, Equatable, Codable {
        /// The entity's name.
        package var entity: String
        /// The format where frames enter (nil for the sensor).
        package var sink: MediaBusFormat?
        /// The crop on the sink pad, where the entity crops.
        package var crop: PixelRectangle?
        /// The format where frames leave.
        package var source: MediaBusFormat
    }

    /// Sensor first.
    package var hops: [HopFormats]
    /// The capture format of each of the chain's branch nodes
    /// (``MediaChain/branches``), in their order.
    package var branches: [FrameFormat] = []
    /// The sensor's frame interval; nil when it sets none (it runs at its
    /// own rate).
    package var frameInterval: Fraction?

    /// The format on the pad linked to the video node.
    package var output: MediaBusFormat? { hops.last?.source }

    /// "Sensor A:0 SBGGR8_1X8/640x480 → Debayer A:0 SBGGR8_1X8/640x480 :1
    /// RGB888_1X24/640x480 → ...", for the plan line.
    package func describe(_ chain: MediaChain) -> String {
        zip(chain.hops, hops).map { hop, formats in
            var text = hop.entity.name
            if let pad = hop.sink, let sink = formats.sink {
                text += " :\(pad) \(sink)"
                if let crop = formats.crop, crop != PixelRectangle(x: 0, y: 0, width: sink.width, height: sink.height) { text += " crop \(crop.mediaCtlDescription)" }
            }
            text += " :\(hop.source) \(formats.source)"
            if hop.sink == nil, let interval = frameInterval { text += " interval \(interval) s" }
            return text
        }.joined(separator: " → ") + zip(chain.branches, branches).map { branch, format in
            "; \(branch.entity.name) (\(branch.node)) kept at \(format)"
        }.joined()
    }
}

/// A link whose two ends carry different formats: the kernel refuses to
/// stream (EPIPE at VIDIOC_STREAMON).
package struct MediaLinkMismatch: Sendable, Equatable {
    /// The source pad, as media-ctl names it ("Sensor A":0).
    package var source: String
    /// Its format.
    package var sourceFormat: String
    /// The sink pad.
    package var sink: String
    /// Its format.
    package var sinkFormat: String

    /// "the media link A → B carries X at its source but Y at its sink
    /// (the kernel refuses to stream: EPIPE)", for the errors naming it.
    package var refusal: String {
        "the media link \(source) → \(sink) carries \(sourceFormat) at its source but \(sinkFormat) at its sink (the kernel refuses to stream: EPIPE)"
    }
}
