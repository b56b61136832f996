/// Who should allocate the frame buffers, as a pipeline file or `--memory`
/// asks: one parser for both.
public enum MemoryRequest: Sendable, Hashable, CustomStringConvertible {
    /// Search: the camera's, then the display's, then each dma-buf heap.
    case automatic
    /// The camera's own buffers (`V4L2_MEMORY_MMAP`), exported as dma-bufs
    /// (`VIDIOC_EXPBUF`) and imported by the display.
    case camera
    /// The display's dumb buffers, exported (`drmPrimeHandleToFD`) and
    /// imported by the camera (`V4L2_MEMORY_DMABUF`).
    case display
    /// A dma-buf heap's buffers (`/dev/dma_heap/NAME`), imported by both;
    /// nil for every heap there is, contiguous ones first.
    case heap(String?)

    /// What memory may be written as, for error messages and `--help`.
    public static let syntax = #""auto", "camera", "display", "heap" or "heap:NAME" (e.g. "heap:linux,cma")"#

    /// Reads "auto", "camera", "display", "heap" or "heap:NAME"; anything
    /// else is nil.
    public init?(parsing text: String) {
        switch text {
        case "auto": self = .automatic
        case "camera": self = .camera
        case "display": self = .display
        case "heap": self = .heap(nil)
        default:
            guard text.hasPrefix("heap:"), text.count > 5 else { return nil }
            self = .heap(String(text.dropFirst(5)))
        }
    }

    /// As it is written: "auto", "camera", "display", "heap", "heap:system".
    public var description: String {
        switch self {
        case .automatic: return "auto"
        case .camera: return "camera"
        case .display: return "display"
        case .heap(nil): return "heap"
        case .heap(let name?): return "heap:\(name)"
        }
    }
}
