import Platform

/// Everything `framepipe list` reports about one V4L2 node, as a value that
/// encodes to the `--json` form.
public struct VideoDeviceInfo: Sendable, Equatable, Codable {
    /// The node's path, e.g. "/dev/video0".
    public var path: String
    /// The driver's name (`v4l2_capability.driver`), e.g. "vivid".
    public var driver: String
    /// The device's name for people (`v4l2_capability.card`).
    public var card: String
    /// Where the device sits (`v4l2_capability.bus_info`).
    public var busInfo: String
    /// The kernel version the driver reports, e.g. "6.1.0".
    public var driverVersion: String
    /// Names of the node's capability bits (`device_caps`).
    public var capabilities: [String]
    /// Whether the node captures video at all, and with which buffer type.
    public var captureBufferType: CaptureBufferType?
    /// True when ``captureBufferType`` is the multiplanar (`_MPLANE`) type.
    public var isMultiplanar: Bool
    /// The capture formats (`VIDIOC_ENUM_FMT`) with their sizes; empty for
    /// non-capture nodes.
    public var formats: [VideoFormatInfo]
    /// Streaming I/O for the capture buffer type; nil for non-capture nodes.
    public var streaming: StreamingSupport?
}
