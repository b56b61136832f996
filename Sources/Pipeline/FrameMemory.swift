/// Who allocated a pipeline's frame buffers; the other device imports them.
public enum FrameMemory: Sendable, Hashable, CustomStringConvertible, Codable {
    /// The camera (MMAP buffers exported with `VIDIOC_EXPBUF`).
    case camera
    /// The display (dumb buffers exported with `drmPrimeHandleToFD`).
    case display
    /// A dma-buf heap, by name.
    case heap(String)

    /// "camera memory", "display memory", "heap system".
    public var description: String {
        switch self {
        case .camera: return "camera memory"
        case .display: return "display memory"
        case .heap(let name): return "heap \(name)"
        }
    }
}
