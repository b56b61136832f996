import CV4L2
import Platform

#if canImport(Glibc)
import Glibc
#endif

/// The camera's videobuf2 queue: REQBUFS, QUERYBUF, EXPBUF, QBUF, DQBUF,
/// STREAMON and STREAMOFF with vb2's rules (see ``FakeCamera``). The lock
/// is held throughout.
extension FakeCamera {
    private var planeCount: Int { buffers.first?.planeSizes.count ?? currentLayout.count }

    /// Fails with EBUSY when another open file owns the queue.
    private func checkOwner(_ file: FakeOpenFile) throws(FakeErrno) {
        if let owner, owner != ObjectIdentifier(file) { throw FakeErrno(EBUSY) }
    }

    func requestBuffers(_ pointer: UnsafeMutablePointer<v4l2_requestbuffers>, file: FakeOpenFile) throws(FakeErrno) {
        var request = pointer.pointee
        guard request.type == bufferType,
              request.memory == V4L2_MEMORY_MMAP.rawValue || request.memory == V4L2_MEMORY_DMABUF.rawValue else {
            throw FakeErrno(EINVAL)
        }
        try checkOwner(file)
        if streaming { throw FakeErrno(EBUSY) }
        freeQueue()
        request.capabilities = UInt32(V4L2_BUF_CAP_SUPPORTS_MMAP) | UInt32(V4L2_BUF_CAP_SUPPORTS_DMABUF)
        defer { pointer.pointee = request }
        guard request.count > 0 else { return }
        let granted = min(max(Int(request.count), configuration.minimumBuffers), configuration.maximumBuffers)
        let layout = currentLayout
        let exported = request.memory == V4L2_MEMORY_MMAP.rawValue
        buffers = (0..<granted).map { index in
            FakeCameraBuffer(
                planes: layout.indices.map { plane in
                    exported ? FakeDmaBuf(size: Self.pageAligned(layout[plane].size), label: "\(path) buffer \(index) plane \(plane)") : nil
                },
                planeSizes: layout.map(\.size))
        }
        memory = request.memory
        owner = ObjectIdentifier(file)
        request.count = UInt32(granted)
    }

    func queryBuffer(_ pointer: UnsafeMutablePointer<v4l2_buffer>) throws(FakeErrno) {
        var buffer = pointer.pointee
        guard buffer.type == bufferType, Int(buffer.index) < buffers.count else { throw FakeErrno(EINVAL) }
        try describeBuffer(Int(buffer.index), into: &buffer)
        pointer.pointee = buffer
    }

    func exportBuffer(_ pointer: UnsafeMutablePointer<v4l2_exportbuffer>, kernel: FakeKernel) throws(FakeErrno) {
        var export = pointer.pointee
        guard export.type == bufferType, memory == V4L2_MEMORY_MMAP.rawValue, Int(export.index) < buffers.count,
              Int(export.plane) < buffers[Int(export.index)].planes.count,
              export.flags & ~UInt32(O_ACCMODE | O_CLOEXEC) == 0,
              let dmabuf = buffers[Int(export.index)].planes[Int(export.plane)] else {
            throw FakeErrno(EINVAL)
        }
        export.fd = kernel.install(FakeOpenFile(target: .dmabuf(dmabuf), label: dmabuf.label, flags: Int32(export.flags)))
        pointer.pointee = export
    }

    func queueBuffer(_ pointer: UnsafeMutablePointer<v4l2_buffer>, file: FakeOpenFile, kernel: FakeKernel) throws(FakeErrno) {
        var buffer = pointer.pointee
        let index = Int(buffer.index)
        guard buffer.type == bufferType, buffer.memory == memory, index < buffers.count else { throw FakeErrno(EINVAL) }
        try checkOwner(file)
        if hasQueueError { throw FakeErrno(EIO) }
        // vb2: "buffer is not in dequeued state" (queued twice).
        guard buffers[index].state == .dequeued else { throw FakeErrno(EINVAL) }
        var descriptors: [Int32] = []
        var lengths: [UInt32] = []
        if configuration.multiplanar {
            guard let planes = buffer.m.planes, Int(buffer.length) >= planeCount, buffer.length <= UInt32(VIDEO_MAX_PLANES) else {
                throw FakeErrno(EINVAL)
            }
            for plane in 0..<planeCount {
                descriptors.append(planes[plane].m.fd)
                lengths.append(planes[plane].length)
            }
        } else {
            descriptors.append(buffer.m.fd)
            lengths.append(buffer.length)
        }
        if memory == V4L2_MEMORY_DMABUF.rawValue {
            var attached: [FakeDmaBuf] = []
            for (plane, descriptor) in descriptors.enumerated() {
                // vb2: a zero length means the whole dma-buf; either must
                // hold the plane.
                guard let dmabuf = kernel.files[descriptor]?.dmabuf,
                      dmabuf.size >= Int(buffers[index].planeSizes[plane]),
                      lengths[plane] == 0 || lengths[plane] >= buffers[index].planeSizes[plane] else {
                    throw FakeErrno(EINVAL)
                }
                attached.append(dmabuf)
            }
            buffers[index].planes = attached
        }
        buffers[index].state = .queued
        queuedOrder.append(index)
        try describeBuffer(index, into: &buffer)
        pointer.pointee = buffer
    }

    /// Returns the dequeued index for the trace.
    func dequeueBuffer(_ pointer: UnsafeMutablePointer<v4l2_buffer>, file: FakeOpenFile) throws(FakeErrno) -> String {
        var buffer = pointer.pointee
        guard buffer.type == bufferType, buffer.memory == memory else { throw FakeErrno(EINVAL) }
        try checkOwner(file)
        if configuration.multiplanar {
            guard buffer.m.planes != nil, Int(buffer.length) >= planeCount else { throw FakeErrno(EINVAL) }
        }
        // vb2: "streaming off, will not wait for buffers".
        guard streaming else { throw FakeErrno(EINVAL) }
        if hasQueueError { throw FakeErrno(EIO) }
        guard !doneOrder.isEmpty else { throw FakeErrno(EAGAIN) }
        let index = doneOrder.removeFirst()
        buffers[index].state = .dequeued
        buffer.index = UInt32(index)
        try describeBuffer(index, into: &buffer)
        pointer.pointee = buffer
        return "\(index)"
    }

    func streamOn(_ type: Int32, file: FakeOpenFile) throws(FakeErrno) {
        guard UInt32(bitPattern: type) == bufferType, !buffers.isEmpty else { throw FakeErrno(EINVAL) }
        try checkOwner(file)
        if !streaming {
            streaming = true
            sequence = 0
        }
    }

    /// Hands every buffer back to userspace, filled or not.
    func streamOff(_ type: Int32, file: FakeOpenFile) throws(FakeErrno) {
        guard UInt32(bitPattern: type) == bufferType else { throw FakeErrno(EINVAL) }
        try checkOwner(file)
        streaming = false
        hasQueueError = false
        for index in buffers.indices { buffers[index].state = .dequeued }
        queuedOrder = []
        doneOrder = []
    }

    /// Fills the fields QUERYBUF, QBUF and DQBUF report for buffer `index`.
    private func describeBuffer(_ index: Int, into buffer: inout v4l2_buffer) throws(FakeErrno) {
        let entry = buffers[index]
        // The queue's timestamp flags, as vb2's (vivid changes them with its
        // "Timestamp Source" control).
        var flags = stampingLocked.clockFlag | stampingLocked.sourceFlag
        switch entry.state {
        case .queued: flags |= UInt32(V4L2_BUF_FLAG_QUEUED)
        case .done: flags |= UInt32(V4L2_BUF_FLAG_DONE)
        case .dequeued: break
        }
        buffer.flags = flags | (entry.flags & UInt32(V4L2_BUF_FLAG_ERROR))
        buffer.memory = memory
        buffer.field = V4L2_FIELD_NONE.rawValue
        buffer.sequence = entry.sequence
        buffer.timestamp = timeval(
            tv_sec: Int(entry.timestampNanoseconds / 1_000_000_000),
            tv_usec: Int(entry.timestampNanoseconds % 1_000_000_000 / 1_000))
        let offset = UInt32(index) << 16
        if configuration.multiplanar {
            guard let planes = buffer.m.planes, Int(buffer.length) >= entry.planeSizes.count else { throw FakeErrno(EINVAL) }
            for plane in entry.planeSizes.indices {
                planes[plane].length = entry.planeSizes[plane]
                planes[plane].bytesused = entry.bytesUsed[plane]
                planes[plane].data_offset = 0
                if memory == V4L2_MEMORY_MMAP.rawValue { planes[plane].m.mem_offset = offset + UInt32(plane) << 12 }
            }
            buffer.length = UInt32(entry.planeSizes.count)
        } else {
            buffer.length = entry.planeSizes[0]
            buffer.bytesused = entry.bytesUsed[0]
            if memory == V4L2_MEMORY_MMAP.rawValue { buffer.m.offset = offset }
        }
    }

    static func pageAligned(_ size: UInt32) -> Int {
        (Int(size) + 4095) / 4096 * 4096
    }
}
