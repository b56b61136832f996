import Platform

/// Everything `framepipe list` reports about one V4L2 node, as a value that
/// encodes to the `--json` form.
public struct VideoDeviceInfo: Sendable, Equatable, Codable {
    public var path: String
    public var driver: String
    public var card: String
    public var busInfo: String
    public var driverVersion: String
    /// Names of the node's capability bits (`device_caps`).
    public var capabilities: [String]
    /// Whether the node captures video at all, and with which buffer type.
    public var captureBufferType: CaptureBufferType?
    public var isMultiplanar: Bool
    public var formats: [VideoFormatInfo]
    /// Streaming I/O for the capture buffer type; nil for non-capture nodes.
    public var streaming: StreamingSupport?
}
