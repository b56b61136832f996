import CV4L2
import Platform
import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// Errors about V4L2 devices that are not a failing ioctl: the path names
/// something that is not a camera, or a camera that cannot do what we need.
public enum V4L2Error: UserFacingError, Sendable, Equatable {
    /// Nothing exists at the path (`stat` gave ENOENT).
    case noSuchNode(path: String)
    /// The path exists but is not a V4L2 node.
    case notAVideoDevice(path: String, actually: String)
    /// The node is V4L2 but cannot capture video (e.g. an output or radio node).
    case notACaptureDevice(path: String, card: String, capabilities: [String])
    /// The node captures but has no streaming I/O (VIDIOC_REQBUFS).
    case noStreaming(path: String)
    /// "auto" found no node that can capture video (`tried` lists the nodes looked at).
    case noCaptureDevice(tried: [String])

    /// One line naming the node and what was expected, e.g.
    /// `"/dev/dri/card0 is a DRM device, expected a V4L2 video device (/dev/videoN)"`.
    public var description: String {
        switch self {
        case .noSuchNode(let path):
            return "\(path) does not exist, expected a V4L2 video device (/dev/videoN); `framepipe list` shows the ones there are"
        case .notAVideoDevice(let path, let actually):
            return "\(path) is \(actually), expected a V4L2 video device (/dev/videoN)"
        case .notACaptureDevice(let path, let card, let capabilities):
            return "\(path) (\(card)) cannot capture video: it offers \(capabilities.joined(separator: ", ")); expected video-capture or video-capture-mplane"
        case .noStreaming(let path):
            return "\(path) has no streaming I/O; framepipe needs VIDIOC_REQBUFS with MMAP or DMABUF"
        case .noCaptureDevice(let tried):
            let looked = tried.isEmpty ? "no /dev/video* nodes exist" : "looked at \(tried.joined(separator: ", "))"
            return "no V4L2 capture device found (\(looked)); name one with source.device or --device"
        }
    }

    /// `noSuchNode` and `noCaptureDevice` are "not found"; the others "unavailable".
    public var category: ErrorCategory {
        switch self {
        case .noSuchNode, .noCaptureDevice: return .notFound
        case .notAVideoDevice, .notACaptureDevice, .noStreaming: return .unavailable
        }
    }
}
