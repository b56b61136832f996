import Platform

/// One call the code under test made into a ``FakeKernel``, as the trace
/// records it.
///
/// The text is the call's name, then what identifies its argument, then
/// what came back, so that a test can assert exact subsequences:
///
///     "open /dev/video0"                   a path (open, stat, close name the node)
///     "VIDIOC_REQBUFS MMAP 4"              memory and requested count
///     "VIDIOC_QBUF 2"                      buffer index
///     "VIDIOC_DQBUF -> 1"                  the index handed back
///     "VIDIOC_DQBUF -> EAGAIN"             a failure names its errno
///     "drmModeAddFB2 640x480 XR24 -> 42"   the new framebuffer id
///     "DRM_IOCTL_MODE_ATOMIC TEST_ONLY|ALLOW_MODESET -> EINVAL"
///
/// ``name`` is the first word: the C name of the call, which is also what
/// a ``DeviceError`` from the library names, and what
/// ``FakeKernel/fail(_:errno:occurrence:)`` matches.
public struct FakeCall: Sendable, Equatable, CustomStringConvertible {
    /// The call's C name ("VIDIOC_QBUF", "drmModeRmFB", "close").
    public let name: String
    /// What identifies the argument ("2", "/dev/video0"); may be empty.
    public let detail: String
    /// What came back on success when it matters ("1" for a dequeued index).
    public let result: String?
    /// 0 on success, else the errno the call failed with.
    public let errno: Int32
    /// Which call of this name it was, counting from 1 since the fake was made.
    public let occurrence: Int
    /// Whether the failure was injected by the test rather than computed.
    public let injected: Bool

    /// The trace line.
    public var text: String {
        var line = detail.isEmpty ? name : "\(name) \(detail)"
        if errno != 0 {
            line += " -> \(errnoName(errno))"
        } else if let result {
            line += " -> \(result)"
        }
        return line
    }

    public var description: String { text }
}
