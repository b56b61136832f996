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

/// One capture format with its sizes and, per discrete size, its intervals.
public struct VideoFormatInfo: Sendable, Equatable, Codable {
    public var fourcc: FourCC
    public var description: String
    public var bufferType: CaptureBufferType
    public var compressed: Bool
    public var emulated: Bool
    public var frameSizes: [FrameSizeInfo]
}

/// A frame size as reported: discrete, or a stepwise range.
public struct FrameSizeInfo: Sendable, Equatable, Codable {
    /// "discrete", "stepwise" or "continuous".
    public var kind: String
    public var width: UInt32
    public var height: UInt32
    /// For ranges only: the largest size and the steps.
    public var maxWidth: UInt32?
    public var maxHeight: UInt32?
    public var stepWidth: UInt32?
    public var stepHeight: UInt32?
    /// Frame intervals at this size (at the smallest size of a range).
    public var intervals: [FrameIntervalInfo]
}

/// A frame interval as reported, with the rate it means.
public struct FrameIntervalInfo: Sendable, Equatable, Codable {
    /// "discrete", "stepwise" or "continuous".
    public var kind: String
    /// Seconds per frame, e.g. "1/30"; the shortest interval for ranges.
    public var interval: String
    /// Frames per second at `interval`.
    public var framesPerSecond: Double
    /// For ranges: the longest interval.
    public var maxInterval: String?
}

extension VideoDevice {
    /// Collects the whole report for this node.
    public func describe() throws(DeviceError) -> VideoDeviceInfo {
        let type = captureBufferType
        var formats: [VideoFormatInfo] = []
        var streaming: StreamingSupport?
        if let type {
            for format in try self.formats(for: type) {
                var sizes: [FrameSizeInfo] = []
                for size in try frameSizes(for: format.fourcc) {
                    sizes.append(try describe(size, format: format.fourcc))
                }
                formats.append(VideoFormatInfo(
                    fourcc: format.fourcc, description: format.description, bufferType: type,
                    compressed: format.compressed, emulated: format.emulated, frameSizes: sizes))
            }
            streaming = try streamingSupport(for: type)
        }
        return VideoDeviceInfo(
            path: path, driver: capability.driver, card: capability.card, busInfo: capability.busInfo,
            driverVersion: capability.driverVersion, capabilities: capability.deviceCapabilities.names,
            captureBufferType: type, isMultiplanar: type == .multiplanar,
            formats: formats, streaming: streaming)
    }

    private func describe(_ size: FrameSizeRange, format: FourCC) throws(DeviceError) -> FrameSizeInfo {
        switch size {
        case .discrete(let width, let height):
            let intervals = try frameIntervals(for: format, width: width, height: height).map(Self.describe)
            return FrameSizeInfo(kind: "discrete", width: width, height: height, intervals: intervals)
        case .stepwise(let minWidth, let maxWidth, let stepWidth, let minHeight, let maxHeight, let stepHeight):
            let continuous = stepWidth == 1 && stepHeight == 1
            let intervals = try frameIntervals(for: format, width: minWidth, height: minHeight).map(Self.describe)
            return FrameSizeInfo(
                kind: continuous ? "continuous" : "stepwise", width: minWidth, height: minHeight,
                maxWidth: maxWidth, maxHeight: maxHeight, stepWidth: stepWidth, stepHeight: stepHeight,
                intervals: intervals)
        }
    }

    static func describe(_ interval: FrameIntervalRange) -> FrameIntervalInfo {
        switch interval {
        case .discrete(let value):
            return FrameIntervalInfo(kind: "discrete", interval: value.description, framesPerSecond: value.framesPerSecond)
        case .stepwise(let min, let max, let step):
            let continuous = step.numerator == 1 && step.denominator == 1
            return FrameIntervalInfo(
                kind: continuous ? "continuous" : "stepwise", interval: min.description,
                framesPerSecond: min.framesPerSecond, maxInterval: max.description)
        }
    }
}

/// The V4L2 nodes present on this machine (/dev/videoN), in number order.
public func videoDeviceNodes() -> [String] {
    numberedDeviceNodes(in: "/dev", prefix: "video")
}
