import Platform

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
    VideoDevice.nodePaths(kernel: SystemKernel.shared)
}
