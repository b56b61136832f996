import Conversion
import Dispatch
import Platform
import Synchronization
import V4L2

/// One conversion's inputs: memory owned by the job until it ends.
struct ConversionJob: @unchecked Sendable {
    let cameraIndex: BufferIndex
    let displayIndex: BufferIndex
    let frame: CapturedFrame
    let source: UnsafeRawBufferPointer
    /// The camera buffer's dma-buf, for DMA_BUF_IOCTL_SYNC around the read.
    let sourceDmaBuf: DmaBuf?
    let destination: UnsafeMutableRawPointer
    let destinationStride: Int
    let converter: FrameConverter
}

/// The copy path's conversion queue, one job at a time: the pipeline queue
/// posts a job, the conversion queue converts it, the pipeline queue hears
/// that it is done (``onFinished``).
///
/// Each hand-over is a user-data source made once (`add(data:)` on one,
/// whose handler runs on the other queue), the job passing beside it in a
/// slot. `async` with a closure would cost each frame two heap allocations
/// each way (the closure's context and the block libdispatch copies) and,
/// from a thread that is not libdispatch's own (the waiter thread of
/// ``ThreadEventLoop``), a third for the continuation; merging a source's
/// data allocates nothing.
///
/// Everything but the conversion runs on the pipeline queue.
final class ConversionWorker: @unchecked Sendable {
    /// Where the job in hand is.
    private enum Slot {
        case empty
        case posted(ConversionJob)
        case converting(ConversionJob)
        case converted(ConversionJob, cpuNanoseconds: Int64, refusal: ConversionError?)
    }

    private let conversionQueue = DispatchQueue(label: "framepipe.conversion")
    private let slot = Mutex(Slot.empty)
    private let posted: any DispatchSourceUserDataAdd
    private let converted: any DispatchSourceUserDataAdd
    /// Pipeline-queue state: a job is posted and not yet handed back.
    private(set) var isBusy = false
    /// Set by ``close()``: nothing is converted or handed back any more.
    private(set) var isClosed = false

    /// Called on the pipeline queue with each job converted, the CPU time
    /// its conversion took and the converter's refusal, if any.
    var onFinished: ((ConversionJob, Int64, ConversionError?) -> Void)?

    /// A worker handing its results back on `pipelineQueue`.
    init(pipelineQueue: DispatchQueue) {
        posted = DispatchSource.makeUserDataAddSource(queue: conversionQueue)
        converted = DispatchSource.makeUserDataAddSource(queue: pipelineQueue)
        posted.setEventHandler { [weak self] in self?.convert() }
        converted.setEventHandler { [weak self] in self?.handBack() }
        posted.activate()
        converted.activate()
    }

    deinit {
        posted.cancel()
        converted.cancel()
    }

    /// Starts converting `job` (on the pipeline queue, while not busy).
    func post(_ job: ConversionJob) {
        guard !isClosed, !isBusy else { return }
        isBusy = true
        slot.withLock { $0 = .posted(job) }
        posted.add(data: 1)
    }

    /// Stops handing jobs back and waits for a conversion in progress to
    /// end, so that the memory it reads and writes may be unmapped. A job
    /// posted but not started is dropped. Call on the pipeline queue.
    func close() {
        isClosed = true
        posted.cancel()
        converted.cancel()
        let started = slot.withLock { slot -> Bool in
            guard case .posted = slot else { return true }
            slot = .empty
            return false
        }
        // The conversion's own hand-back is a source on the pipeline queue,
        // so this cannot deadlock.
        if started { conversionQueue.sync {} }
    }

    // MARK: The conversion queue

    private func convert() {
        let taken = slot.withLock { slot -> ConversionJob? in
            guard case .posted(let job) = slot else { return nil }
            slot = .converting(job)
            return job
        }
        guard let job = taken else { return }
        let start = threadCPUNanoseconds()
        let refusal = Self.run(job)
        let cpu = threadCPUNanoseconds() - start
        slot.withLock { $0 = .converted(job, cpuNanoseconds: cpu, refusal: refusal) }
        converted.add(data: 1)
    }

    /// Converts one frame; the refusal, if any.
    private static func run(_ job: ConversionJob) -> ConversionError? {
        // The camera wrote the buffer by DMA: on memory that is not
        // coherent the CPU must not read stale cache lines. A driver that
        // has no sync to do answers at once; one that fails is read anyway.
        try? job.sourceDmaBuf?.beginCPURead()
        defer { try? job.sourceDmaBuf?.endCPURead() }
        do throws(ConversionError) {
            try job.converter.convert(job.source, into: job.destination, destinationStride: job.destinationStride)
            return nil
        } catch {
            return error
        }
    }

    // MARK: The pipeline queue

    private func handBack() {
        let done = slot.withLock { slot -> (ConversionJob, Int64, ConversionError?)? in
            guard case .converted(let job, let cpu, let refusal) = slot else { return nil }
            slot = .empty
            return (job, cpu, refusal)
        }
        guard let (job, cpu, refusal) = done, !isClosed else { return }
        isBusy = false
        onFinished?(job, cpu, refusal)
    }
}
