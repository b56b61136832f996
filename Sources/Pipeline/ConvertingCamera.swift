import Conversion
import Dispatch
import Platform
import V4L2

#if canImport(Glibc)
import Glibc
#endif

/// The copy path's camera, as the scheduler sees it. Its buffers are the
/// display's (dumb buffers in a format a plane shows, mapped once); the
/// real camera's buffers (MMAP, mapped read-only once) are converted into
/// them with libyuv. So the scheduler's pool keeps its one discipline for
/// the buffers that reach the screen: a display buffer is written again
/// only after the scheduler gave it back (`queue`), which it does only once
/// the flip that replaced it has completed. A camera buffer goes back to
/// the camera as soon as its frame has been converted.
///
/// Conversion runs on its own serial queue (``ConversionWorker``, which
/// hands jobs over and back without allocating), so that a slow conversion
/// (MJPEG at 1080p takes tens of milliseconds on a small core) never holds
/// up the pipeline queue, where flip events are read and commits issued.
/// At most one conversion runs and at most one camera frame waits for it
/// (mailbox: a newer frame replaces the waiting one, which goes straight
/// back to the camera, counted as superseded).
///
/// Everything but the conversion itself runs on the pipeline queue (hence
/// `@unchecked Sendable`: its state is confined to that queue, and a job's
/// memory to the conversion queue while it runs).
package final class ConvertingCamera: CameraQueue, @unchecked Sendable {
    private let camera: any CameraQueue
    private let sourceMemory: [UnsafeRawBufferPointer]
    private let sourceDmaBufs: [DmaBuf]
    private let displayMemory: [(base: UnsafeMutableRawPointer, stride: Int)]
    private let converter: FrameConverter
    /// The conversion queue; closed by ``close()``, after which nothing is
    /// converted or handed on any more.
    private let worker: ConversionWorker
    private let pipelineQueue: DispatchQueue
    private var free: [BufferIndex]
    private var waiting: CapturedFrame?
    private var converted: [CapturedFrame] = []
    private var failure: (any Error)?
    /// The CPU time of the conversion that last filled each display buffer.
    private var lastConversion: [Int64]

    /// What the copy path did so far (a camera that came back continues
    /// the count of the one that went: the pipeline carries it over).
    package internal(set) var statistics = CopyStatistics()
    /// Called on the pipeline queue when a converted frame is ready for
    /// ``dequeue()`` (the scheduler's `cameraReadable`).
    package var onConverted: (() -> Void)?
    /// Called on the pipeline queue when the converter refused a frame.
    package var onRefused: ((CapturedFrame, ConversionError) -> Void)?

    /// `camera` fills `sourceMemory` (by its buffer index, mapped
    /// read-only; `sourceDmaBufs` are those buffers' dma-bufs, whose CPU
    /// reads are bracketed with `DMA_BUF_IOCTL_SYNC`, or empty); frames are
    /// converted into `displayMemory` (by display buffer index) with
    /// `converter`; `pipelineQueue` owns this object.
    package init(
        camera: any CameraQueue, sourceMemory: [UnsafeRawBufferPointer], sourceDmaBufs: [DmaBuf] = [],
        displayMemory: [(base: UnsafeMutableRawPointer, stride: Int)], converter: FrameConverter, pipelineQueue: DispatchQueue
    ) {
        self.camera = camera
        self.sourceMemory = sourceMemory
        self.sourceDmaBufs = sourceDmaBufs
        self.displayMemory = displayMemory
        self.converter = converter
        self.pipelineQueue = pipelineQueue
        worker = ConversionWorker(pipelineQueue: pipelineQueue)
        free = displayMemory.indices.map { BufferIndex($0) }
        lastConversion = Array(repeating: 0, count: displayMemory.count)
        free.reserveCapacity(displayMemory.count)
        converted.reserveCapacity(displayMemory.count)
        worker.onFinished = { [unowned self] job, cpu, refusal in finished(job, cpu: cpu, refusal: refusal) }
    }

    /// The real camera is readable: take one frame and convert it, or let
    /// it wait for the conversion in progress.
    package func cameraReadable() throws {
        dispatchPrecondition(condition: .onQueue(pipelineQueue))
        if let failure { throw failure }
        guard let frame = try camera.dequeue() else { return }
        if frame.hasError {
            // Not converted; the scheduler counts it, under a display
            // buffer's index that nothing writes to and that it gives back
            // at once (with none free, the copy path counts it as refused).
            try camera.queue(BufferIndex(frame.index))
            guard !free.isEmpty else {
                statistics.refused += 1
                return
            }
            var flagged = frame
            flagged.index = free.removeFirst().rawValue
            converted.append(flagged)
            onConverted?()
            return
        }
        if let older = waiting {
            statistics.superseded += 1
            try camera.queue(BufferIndex(older.index))
        }
        waiting = frame
        try startNext()
    }

    /// Starts converting the waiting frame if nothing is being converted
    /// and a display buffer is free.
    private func startNext() throws {
        guard !worker.isClosed, !worker.isBusy, let frame = waiting, !free.isEmpty else { return }
        waiting = nil
        let cameraIndex = BufferIndex(frame.index)
        guard sourceMemory.indices.contains(frame.index), let base = sourceMemory[frame.index].baseAddress else {
            try camera.queue(cameraIndex)
            return
        }
        let displayIndex = free.removeFirst()
        let used = converter.format.isCompressed ? Int(frame.bytesUsed[0]) : sourceMemory[frame.index].count
        let job = ConversionJob(
            cameraIndex: cameraIndex, displayIndex: displayIndex, frame: frame,
            source: UnsafeRawBufferPointer(start: base, count: min(max(used, 0), sourceMemory[frame.index].count)),
            sourceDmaBuf: sourceDmaBufs.indices.contains(frame.index) ? sourceDmaBufs[frame.index] : nil,
            destination: displayMemory[displayIndex.rawValue].base, destinationStride: displayMemory[displayIndex.rawValue].stride,
            converter: converter)
        worker.post(job)
    }

    private func finished(_ job: ConversionJob, cpu: Int64, refusal: ConversionError?) {
        statistics.cpuNanoseconds += cpu
        do {
            try camera.queue(job.cameraIndex)
            if let refusal {
                statistics.refused += 1
                free.append(job.displayIndex)
                onRefused?(job.frame, refusal)
            } else {
                statistics.converted += 1
                lastConversion[job.displayIndex.rawValue] = cpu
                statistics.bytesRead += job.source.count
                statistics.bytesWritten += converter.outputWidth * converter.outputHeight * 4
                var frame = job.frame
                frame.index = job.displayIndex.rawValue
                converted.append(frame)
                onConverted?()
            }
            try startNext()
        } catch {
            failure = error
            onConverted?()
        }
    }

    /// The CPU time of the conversion that filled display buffer `index`
    /// (its frame's, until the buffer is written again).
    package func conversionNanoseconds(of index: Int) -> Int64? {
        lastConversion.indices.contains(index) ? lastConversion[index] : nil
    }

    /// Stops converting and waits for a conversion in progress to end, so
    /// that the memory it reads and writes may be unmapped (teardown, or
    /// the camera gone). Frames converted but not handed on are dropped;
    /// nothing starts again. Call on the pipeline queue.
    package func close() {
        dispatchPrecondition(condition: .onQueue(pipelineQueue))
        waiting = nil
        worker.close()
    }

    // MARK: CameraQueue (display buffers, for the scheduler)

    /// The oldest converted frame, its index a display buffer's.
    package func dequeue() throws -> CapturedFrame? {
        if let failure { throw failure }
        return converted.isEmpty ? nil : converted.removeFirst()
    }

    /// The scheduler gives display buffer `index` back: the flip that
    /// replaced it has completed, so it may be written again.
    package func queue(_ index: BufferIndex) throws {
        free.append(index)
        try startNext()
    }
}
