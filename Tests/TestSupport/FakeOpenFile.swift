/// One open file description of the fake kernel: what `open`, `EXPBUF` or
/// `drmPrimeHandleToFD` create and `fcntl(F_DUPFD_CLOEXEC)` shares. Its
/// resources (a card client's handles and framebuffers, a camera queue it
/// owns) are released when its last descriptor closes, as in the kernel.
final class FakeOpenFile {
    enum Target {
        case camera(FakeCamera)
        case card(FakeCard)
        case dmabuf(FakeDmaBuf)
        case pipe
        /// An epoll instance: watched descriptor → (events, token).
        case epoll(FakeEpoll)
        /// An eventfd: readable while its counter is above 0.
        case event(FakeEventCounter)
    }

    let target: Target
    /// What a trace calls it: the device path, or the dma-buf's origin.
    let label: String
    let flags: Int32
    /// The file offset (`lseek`).
    var offset: Int64 = 0
    /// How many descriptors refer to this file.
    var descriptorCount = 0
    /// Set by `v4l2_fd_open`: from then on libv4l2 must carry the ioctls
    /// and the close (a plain ioctl or close is recorded as a violation).
    var adoptedByLibV4L2 = false
    /// The card's per-file state, for card files.
    let client: FakeDRMClient?

    init(target: Target, label: String, flags: Int32) {
        self.target = target
        self.label = label
        self.flags = flags
        if case .card = target {
            client = FakeDRMClient(label: label)
        } else {
            client = nil
        }
    }

    /// Whether the device behind the file has been unplugged (dma-bufs and
    /// pipes outlive their devices).
    var isUnplugged: Bool {
        switch target {
        case .camera(let camera): return camera.isUnpluggedLocked
        case .card(let card): return card.isUnpluggedLocked
        case .dmabuf, .pipe, .epoll, .event: return false
        }
    }

    var dmabuf: FakeDmaBuf? {
        if case .dmabuf(let buffer) = target { return buffer }
        return nil
    }
}
