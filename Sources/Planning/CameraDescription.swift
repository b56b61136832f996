import Platform
import V4L2

/// What the planner needs to know about a camera, read once at setup.
package struct CameraDescription: Sendable, Equatable {
    /// The device node.
    package var path: String
    /// The pixel formats it captures (V4L2 fourccs), in the driver's order.
    package var formats: [FourCC]
    /// Which memory it can stream into (`VIDIOC_REQBUFS` capabilities, and
    /// whether `VIDIOC_EXPBUF` really exports).
    package var streaming: StreamingSupport

    /// A description with these values.
    package init(path: String, formats: [FourCC], streaming: StreamingSupport) {
        self.path = path
        self.formats = formats
        self.streaming = streaming
    }

    /// Reads `device`: its formats for its buffer type and its streaming
    /// support (which allocates and exports one buffer to be sure).
    ///
    /// The corresponding ioctls are `VIDIOC_ENUM_FMT`, `VIDIOC_REQBUFS` and `VIDIOC_EXPBUF`.
    package init(_ device: VideoDevice) throws {
        let type = try device.requireCapture()
        self.init(path: device.path, formats: try device.formats(for: type).map(\.fourcc), streaming: try device.streamingSupport(for: type))
    }
}
