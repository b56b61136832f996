import CV4L2
import Foundation
import Platform

#if canImport(Glibc)
import Glibc
#endif

/// A V4L2 capture node of a ``FakeKernel``, modelled on vivid behind
/// videobuf2: the format, frame-interval and control ioctls framepipe
/// uses, and a vb2 queue (MMAP and DMABUF) with its rules:
///
/// - REQBUFS frees and reallocates; it fails with EBUSY while streaming or
///   when another open file owns the queue; count 0 frees.
/// - QBUF of a buffer the driver already holds is EINVAL; DQBUF is EINVAL
///   while not streaming and EAGAIN when nothing is filled.
/// - STREAMOFF hands every buffer back to userspace and clears a fatal
///   error (``failStreaming()``).
/// - EXPBUF gives a new descriptor of the buffer plane's dma-buf, whose
///   `lseek(SEEK_END)` is the plane's size. Every export of one plane is
///   the same dma-buf (vb2-dc would make a new one per export; one per
///   plane is what "this descriptor is that buffer" checks need).
/// - closing the file that owns the queue frees it (reported in
///   ``FakeKernel/releasedAtClose``).
///
/// The test plays the sensor: ``fill(count:)`` completes the oldest queued
/// buffers with increasing sequence numbers and monotonic start-of-exposure
/// timestamps one frame interval apart.
public final class FakeCamera: @unchecked Sendable {
    /// What the camera offers.
    public struct Configuration: Sendable {
        /// VIDEO_CAPTURE_MPLANE (formats XR24 and NM12, the latter with two
        /// memory planes) instead of VIDEO_CAPTURE (XR24 and NV12).
        public var multiplanar: Bool
        /// Discrete frame sizes, the first being the default.
        public var sizes: [FakeFrameSize]
        /// Discrete frame rates (interval 1/rate), the first being the default.
        public var framesPerSecond: [UInt32]
        /// REQBUFS grants at least this many buffers (vivid: 2).
        public var minimumBuffers: Int
        /// ... and at most this many.
        public var maximumBuffers: Int

        public init(
            multiplanar: Bool = false, sizes: [FakeFrameSize] = [FakeFrameSize(640, 480), FakeFrameSize(1280, 720)],
            framesPerSecond: [UInt32] = [30, 25], minimumBuffers: Int = 2, maximumBuffers: Int = 32
        ) {
            self.multiplanar = multiplanar
            self.sizes = sizes
            self.framesPerSecond = framesPerSecond
            self.minimumBuffers = minimumBuffers
            self.maximumBuffers = maximumBuffers
        }
    }

    /// The V4L2 id of the one user control, "Brightness" (0...255, default 128).
    public static let brightnessControl = UInt32(V4L2_CID_BRIGHTNESS)
    /// The heading of the user controls, which enumeration lists first.
    static let userClassControl = UInt32(V4L2_CID_USER_CLASS)

    public let path: String
    public let configuration: Configuration
    let minor: UInt32
    private let lock: FakeLock

    // State; the kernel's lock guards it.
    var format: FakeCameraFormat
    var width: UInt32
    var height: UInt32
    /// The first plane's bytes per line an application asked for with
    /// S_FMT, kept when it is at least the format's own (as vivid does).
    var requestedBytesPerLine: UInt32?
    var interval: (numerator: UInt32, denominator: UInt32)
    var brightness: Int64 = 128
    var buffers: [FakeCameraBuffer] = []
    var memory: UInt32 = V4L2_MEMORY_MMAP.rawValue
    var owner: ObjectIdentifier?
    var streaming = false
    /// Indices the driver holds, in queue order, and those filled, in fill order.
    var queuedOrder: [Int] = []
    var doneOrder: [Int] = []
    var sequence: UInt32 = 0
    var clockNanoseconds: Int64 = 1_000_000_000_000
    var isUnpluggedLocked = false
    /// Set by ``failStreaming()`` (the kernel's `vb2_queue_error`), cleared
    /// by STREAMOFF and REQBUFS.
    var hasQueueError = false

    init(path: String, minor: UInt32, configuration: Configuration, lock: FakeLock) {
        self.path = path
        self.minor = minor
        self.configuration = configuration
        self.lock = lock
        let formats = FakeCameraFormat.offered(multiplanar: configuration.multiplanar)
        format = formats[0]
        let size = configuration.sizes.first ?? FakeFrameSize(640, 480)
        width = size.width
        height = size.height
        interval = (1, configuration.framesPerSecond.first ?? 30)
    }

    /// The memory planes of `format` at `width`x`height`, the first plane
    /// widened to `bytesPerLine` when that is larger (packed formats only).
    static func layout(_ format: FakeCameraFormat, width: UInt32, height: UInt32, bytesPerLine: UInt32?) -> [(bytesPerLine: UInt32, size: UInt32)] {
        let layout = format.layout(width, height)
        guard let bytesPerLine, layout.count == 1, format.fourcc == FakeCameraFormat.xbgr32.fourcc, bytesPerLine > layout[0].bytesPerLine else {
            return layout
        }
        return [(bytesPerLine, bytesPerLine * height)]
    }

    /// The layout now set.
    var currentLayout: [(bytesPerLine: UInt32, size: UInt32)] {
        Self.layout(format, width: width, height: height, bytesPerLine: requestedBytesPerLine)
    }

    /// The buffer type the node serves.
    var bufferType: UInt32 {
        configuration.multiplanar ? V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE.rawValue : V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
    }

    var allocatedBufferCountLocked: Int { buffers.count }

    // MARK: Playing the sensor

    /// Fills the `count` oldest buffers the driver holds (fewer if it holds
    /// fewer) while streaming, as a frame arrives for each. Returns how
    /// many were filled. With `error`, the buffers carry V4L2_BUF_FLAG_ERROR.
    @discardableResult
    public func fill(count: Int = 1, error: Bool = false) -> Int {
        lock.withLock {
            guard streaming, !isUnpluggedLocked, !hasQueueError else { return 0 }
            var filled = 0
            while filled < count, !queuedOrder.isEmpty {
                let index = queuedOrder.removeFirst()
                clockNanoseconds += Int64(interval.numerator) * 1_000_000_000 / Int64(max(interval.denominator, 1))
                var flags = UInt32(V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC) | UInt32(V4L2_BUF_FLAG_TSTAMP_SRC_SOE) | UInt32(V4L2_BUF_FLAG_DONE)
                if error { flags |= UInt32(V4L2_BUF_FLAG_ERROR) }
                buffers[index].complete(sequence: sequence, timestampNanoseconds: clockNanoseconds, flags: flags)
                sequence += 1
                doneOrder.append(index)
                filled += 1
            }
            lock.broadcast()
            return filled
        }
    }

    /// Frames the sensor produced with no buffer to put them in: the next
    /// filled buffer's sequence number jumps by `count`.
    public func dropFrames(_ count: Int) {
        lock.withLock { sequence += UInt32(count); lock.broadcast() }
    }

    /// A fatal driver error (`vb2_queue_error`): until STREAMOFF, QBUF and
    /// DQBUF fail with EIO and `poll` reports POLLERR alone.
    public func failStreaming() {
        lock.withLock { hasQueueError = true; lock.broadcast() }
    }

    /// Pulls the camera out: from now on every call on its descriptors fails
    /// with ENODEV (closing still works) and `poll` reports POLLERR|POLLHUP.
    /// Its exported dma-bufs stay valid, as real ones do.
    public func unplug() {
        lock.withLock { isUnpluggedLocked = true; lock.broadcast() }
    }

    // MARK: Looking at it

    public var isStreaming: Bool { lock.withLock { streaming } }
    public var isUnplugged: Bool { lock.withLock { isUnpluggedLocked } }
    /// How many buffers the queue has (0 after REQBUFS with count 0).
    public var allocatedBufferCount: Int { lock.withLock { buffers.count } }
    /// The indices the driver holds and has not filled, oldest first.
    public var queuedIndices: [Int] { lock.withLock { queuedOrder } }
    /// The indices filled and not yet dequeued, oldest first.
    public var filledIndices: [Int] { lock.withLock { doneOrder } }
    /// The format now set: fourcc and size.
    public var currentFormat: (fourcc: FourCC, width: UInt32, height: UInt32) {
        lock.withLock { (FourCC(rawValue: format.fourcc), width, height) }
    }
    /// The frame interval now set (numerator, denominator).
    public var frameInterval: (numerator: UInt32, denominator: UInt32) { lock.withLock { interval } }
    /// The Brightness control's value.
    public var brightnessValue: Int64 { lock.withLock { brightness } }
    /// The memory type of the queue ("MMAP", "DMABUF").
    public var memoryName: String { lock.withLock { Self.memoryName(memory) } }

    // MARK: Kernel side (the lock is held)

    /// What `poll` reports, as vb2 does for a capture queue.
    func pollEvents() -> Int32 {
        if isUnpluggedLocked { return Int32(POLLERR | POLLHUP) }
        if !streaming || hasQueueError { return Int32(POLLERR) }
        return doneOrder.isEmpty ? 0 : Int32(POLLIN | POLLRDNORM)
    }

    /// The last descriptor of `file` closed: the queue it owns is freed.
    func release(_ file: FakeOpenFile) -> [String] {
        guard owner == ObjectIdentifier(file) else { return [] }
        let count = buffers.count
        freeQueue()
        return count == 0 ? [] : ["\(path): \(count) buffers freed by the close of \(file.label)"]
    }

    func freeQueue() {
        streaming = false
        hasQueueError = false
        buffers = []
        queuedOrder = []
        doneOrder = []
        owner = nil
    }

    static func memoryName(_ memory: UInt32) -> String {
        switch memory {
        case V4L2_MEMORY_MMAP.rawValue: return "MMAP"
        case V4L2_MEMORY_DMABUF.rawValue: return "DMABUF"
        case V4L2_MEMORY_USERPTR.rawValue: return "USERPTR"
        default: return "memory \(memory)"
        }
    }
}
