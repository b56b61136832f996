import Conversion

/// Who allocated a pipeline's frame buffers; the other device imports them.
public enum FrameMemory: Sendable, Hashable, CustomStringConvertible, Codable {
    /// The camera (MMAP buffers exported with `VIDIOC_EXPBUF`).
    case camera
    /// The display (dumb buffers exported with `drmPrimeHandleToFD`).
    case display
    /// A dma-buf heap, by name.
    case heap(String)
    /// Not shared: the camera fills its own buffers (MMAP) in this format,
    /// and each frame is converted into a display buffer (the copy path,
    /// only with ``CopyPolicy/allowed``).
    case copy(ConvertibleFormat)

    /// "camera memory", "display memory", "heap system", "copy from YUYV (libyuv)".
    public var description: String {
        switch self {
        case .camera: return "camera memory"
        case .display: return "display memory"
        case .heap(let name): return "heap \(name)"
        case .copy(let format): return "copy from \(format.rawValue) (libyuv)"
        }
    }
}
