import Platform

/// One capture format with its sizes and, per discrete size, its intervals.
public struct VideoFormatInfo: Sendable, Equatable, Codable {
    public var fourcc: FourCC
    public var description: String
    public var bufferType: CaptureBufferType
    public var compressed: Bool
    public var emulated: Bool
    public var frameSizes: [FrameSizeInfo]
}
