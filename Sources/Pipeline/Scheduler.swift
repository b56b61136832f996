import Platform
import V4L2

#if canImport(Glibc)
import Glibc
#endif

/// What the scheduler needs from a camera. `CaptureStream` provides it in
/// the product; tests provide a scripted fake.
public protocol CameraQueue: AnyObject {
    /// The next filled buffer, or nil when none is ready (the fd is
    /// non-blocking). The corresponding ioctl is `VIDIOC_DQBUF`.
    func dequeue() throws -> CapturedFrame?
    /// Hands `index` back to the camera to fill. The corresponding ioctl is `VIDIOC_QBUF`.
    func queue(index: Int) throws
}

/// A completed page flip, reported by the display for the buffer it put on screen.
public struct FlipCompletion: Sendable, Equatable {
    /// The capture buffer whose framebuffer is now scanned out.
    public var bufferIndex: Int
    /// The CRTC's vblank counter at the flip.
    public var vblankSequence: UInt32
    /// When the flip happened (the vblank), CLOCK_MONOTONIC nanoseconds.
    public var timestampNanoseconds: Int64

    public init(bufferIndex: Int, vblankSequence: UInt32, timestampNanoseconds: Int64) {
        self.bufferIndex = bufferIndex
        self.vblankSequence = vblankSequence
        self.timestampNanoseconds = timestampNanoseconds
    }
}

/// What the scheduler needs from a display: put one buffer's framebuffer on
/// screen with a non-blocking commit, and report completed flips.
public protocol DisplayQueue: AnyObject {
    /// Commits the framebuffer imported from capture buffer `index`
    /// (non-blocking, with a flip event). The first call also sets the mode.
    func show(bufferIndex index: Int) throws
    /// Reads pending events and reports each completed flip.
    func handleEvents(_ body: (FlipCompletion) -> Void) throws
}

/// Counters of one run.
public struct PipelineStatistics: Sendable, Equatable, Codable {
    /// Buffers dequeued from the camera (good or bad).
    public var captured = 0
    /// Frames that reached the screen (a flip completed for them).
    public var shown = 0
    /// Good frames dropped because a newer one was ready before they could
    /// be committed (mailbox policy).
    public var superseded = 0
    /// Buffers the camera flagged with V4L2_BUF_FLAG_ERROR: never shown.
    public var cameraErrors = 0
    /// Frames the camera never delivered (gaps in its sequence numbers).
    public var cameraDropped = 0
    /// Commits issued.
    public var commits = 0
    /// Flip events received.
    public var flips = 0
    /// Frames copied by the CPU. Always 0: framepipe has no copy path yet.
    public var copies = 0
    /// Buffers the camera refused once (`VIDIOC_QBUF` failed) and took back
    /// when asked again.
    public var cameraQueueRetries = 0

    public init() {}
}

/// The mailbox scheduler. It owns the pool and moves buffers between camera
/// and display. It is not thread-safe: one serial DispatchQueue owns it and
/// calls it when the camera's or the display's fd becomes readable.
///
/// Policy: at most one commit in flight. When a flip completes, the newest
/// ready frame is committed; any older ready frame is dropped and queued back
/// to the camera at once. The buffer a completed flip replaced goes back to
/// the camera then, and never earlier.
public final class Scheduler {
    public private(set) var pool: BufferPool
    public private(set) var statistics = PipelineStatistics()
    private let camera: any CameraQueue
    private let display: any DisplayQueue
    private var lastSequence: UInt32?
    /// The camera sequence number each buffer holds (preallocated: the
    /// frame path allocates nothing).
    private var sequences: [UInt32]
    /// While frozen, new frames are queued straight back and nothing is
    /// committed, so the frame on screen stays (used for snapshots).
    public var isFrozen = false
    /// Called for every frame dequeued, with what became of it (for benchmarks).
    public var onFrame: ((FrameEvent) -> Void)?

    /// What happened to a frame, reported through ``onFrame``.
    public enum FrameEvent: Sendable, Equatable {
        case dequeued(CapturedFrame)
        case committed(bufferIndex: Int, sequence: UInt32)
        case superseded(bufferIndex: Int, sequence: UInt32)
        case shown(FlipCompletion, sequence: UInt32)
        case cameraError(bufferIndex: Int, sequence: UInt32)
    }

    public init(bufferCount: Int, camera: any CameraQueue, display: any DisplayQueue) {
        pool = BufferPool(bufferCount: bufferCount)
        sequences = Array(repeating: 0, count: bufferCount)
        self.camera = camera
        self.display = display
    }


    /// The camera fd is readable: drain every filled buffer.
    public func cameraReadable() throws {
        while let frame = try camera.dequeue() {
            statistics.captured += 1
            if let last = lastSequence, frame.sequence > last &+ 1 {
                statistics.cameraDropped += Int(frame.sequence - last - 1)
            }
            lastSequence = frame.sequence
            onFrame?(.dequeued(frame))
            guard pool.dequeued(frame.index, sequence: frame.sequence) else { continue }
            if frame.hasError {
                statistics.cameraErrors += 1
                onFrame?(.cameraError(bufferIndex: frame.index, sequence: frame.sequence))
                try requeue(frame.index)
                continue
            }
            sequences[frame.index] = frame.sequence
            if isFrozen {
                try requeue(frame.index)
                continue
            }
            // Mailbox: only the newest ready frame is worth showing.
            while let older = pool.readyOtherThan(frame.index) {
                statistics.superseded += 1
                onFrame?(.superseded(bufferIndex: older, sequence: sequences[older]))
                try requeue(older)
            }
            try commitNewestIfIdle()
        }
    }

    /// The display fd is readable: take flip events and move buffers on.
    public func displayReadable() throws {
        var failure: (any Error)?
        try display.handleEvents { completion in
            statistics.flips += 1
            let replaced = pool.flipCompleted(completion.bufferIndex)
            statistics.shown += 1
            let index = completion.bufferIndex
            onFrame?(.shown(completion, sequence: sequences.indices.contains(index) ? sequences[index] : 0))
            if let replaced, failure == nil {
                do { try requeue(replaced) } catch { failure = error }
            }
        }
        if let failure { throw failure }
        try commitNewestIfIdle()
    }

    /// True while a commit awaits its flip.
    public var isFlipPending: Bool { pool.committed != nil }

    private func commitNewestIfIdle() throws {
        guard !isFrozen, pool.committed == nil, let newest = pool.newestReady else { return }
        guard pool.commit(newest) else { return }
        // Reported before the commit so that its time is when the commit
        // was issued (the first commit sets the mode and takes long).
        onFrame?(.committed(bufferIndex: newest, sequence: sequences[newest]))
        do {
            try display.show(bufferIndex: newest)
        } catch {
            pool.commitFailed(newest)
            throw error
        }
        statistics.commits += 1
    }

    /// Hands `index` back to the camera. A `VIDIOC_QBUF` that fails is
    /// asked once more (a driver may refuse a buffer once, as vivid's
    /// `inject_vidioc_qbuf_error` does); a second refusal ends the run with
    /// ``PipelineError/bufferNotReturned(device:index:cause:)``, since a
    /// camera that keeps its buffers would starve. Errors that mean the
    /// stream is over (ENODEV: unplugged, EIO: fatal driver error) are not
    /// retried.
    private func requeue(_ index: Int) throws {
        guard pool.requeue(index) else { return }
        do {
            try camera.queue(index: index)
        } catch let refusal as DeviceError where !Self.endsStream(refusal) {
            do {
                try camera.queue(index: index)
            } catch let again as DeviceError where !Self.endsStream(again) {
                throw PipelineError.bufferNotReturned(
                    device: again.device, index: index,
                    cause: "\(again.call) failed twice: \(errnoName(refusal.errnoCode)), then \(errnoName(again.errnoCode))")
            }
            statistics.cameraQueueRetries += 1
        }
    }

    /// Errors after which no ioctl on the queue can succeed.
    private static func endsStream(_ error: DeviceError) -> Bool {
        [ENODEV, ENXIO, EIO].contains(error.errnoCode)
    }

    /// At teardown, after the display has been restored to its previous
    /// contents: nothing of ours is scanned out any more.
    public func displayReleasedAll() {
        pool.displayReleasedAll()
    }
}
