import CV4L2
import Platform

/// What a capture stream should produce.
public struct CaptureConfiguration: Sendable, Equatable {
    /// The pixel format, e.g. 'XR24'. The driver must accept it unchanged.
    public var fourcc: FourCC
    /// Frame width in pixels. The driver must accept it unchanged.
    public var width: UInt32
    /// Frame height in pixels. The driver must accept it unchanged.
    public var height: UInt32
    /// How many buffers to ask the driver for (`VIDIOC_REQBUFS`). The driver
    /// may grant more or fewer; fewer than 2 is an error. Ignored when the
    /// buffers are imported: then their number is the number of imported
    /// buffers.
    public var bufferCount: Int
    /// Seconds per frame (e.g. 1/25 for 25 frames per second), set with
    /// `VIDIOC_S_PARM`; nil keeps the driver's choice. The driver picks the
    /// nearest interval it supports; the stream reports what it picked.
    public var frameInterval: Fraction?
    /// Controls to set before streaming, by name. Names match the names the
    /// driver reports without regard to case, and spaces, underscores and
    /// other punctuation are equivalent: "timestamp_source" matches
    /// "Timestamp Source". Button controls ignore the value.
    public var controls: [String: Int64]
    /// Bytes per line to ask for in the first memory plane
    /// (`bytesperline` in `VIDIOC_S_FMT`), when another device dictates the
    /// stride (a display that needs a wider pitch, or its dumb buffers);
    /// nil lets the driver choose. The driver may round it; the stream's
    /// ``CaptureStream/format`` says what it chose.
    public var bytesPerLine: UInt32?

    /// A configuration with these values; no checks until a stream is made
    /// from it. Four buffers, the driver's interval and stride by default.
    package init(
        fourcc: FourCC, width: UInt32, height: UInt32, bufferCount: Int = 4,
        frameInterval: Fraction? = nil, controls: [String: Int64] = [:], bytesPerLine: UInt32? = nil
    ) {
        self.fourcc = fourcc
        self.width = width
        self.height = height
        self.bufferCount = bufferCount
        self.frameInterval = frameInterval
        self.controls = controls
        self.bytesPerLine = bytesPerLine
    }
}
