import CDRM
import KMS
import Platform

#if canImport(Glibc)
import Glibc
#endif

/// libdrm's seam (KMS's `DRMInterface`), forwarded to the card behind the
/// descriptor: the fake is a kernel and libdrm at once, so a card opened on
/// it (`Card.open(path:kernel:)`) takes it for both. Getters return objects
/// from the fake's ``LibDRMHeap``; the matching `drmModeFree*` (not traced:
/// they are not kernel calls) give them back and report a pointer the fake
/// did not hand out.
extension FakeKernel: DRMInterface {
    /// The card and the client state behind a card descriptor; ENOTTY for
    /// any other descriptor, as a DRM ioctl on it would fail.
    func cardClient(_ file: FakeOpenFile?) throws(FakeErrno) -> (FakeCard, FakeDRMClient) {
        guard let file, case .card(let card) = file.target, let client = file.client else { throw FakeErrno(ENOTTY) }
        return (card, client)
    }

    // MARK: The card

    package func drmGetNodeTypeFromFd(_ descriptor: Int32) -> Int32 {
        // libdrm answers from fstat, which works after an unplug too.
        perform("drmGetNodeTypeFromFd", descriptor: descriptor, failure: -1, worksUnplugged: true) { file, _ throws(FakeErrno) in
            guard case .card = file?.target else { throw FakeErrno(EINVAL) }
            return Int32(DRM_NODE_PRIMARY)
        }
    }

    package func drmSetClientCap(_ descriptor: Int32, _ capability: UInt64, _ value: UInt64) -> Int32 {
        perform("drmSetClientCap", descriptor: descriptor, failure: -1, detail: { _ in Self.clientCapabilityName(capability) }) { file, _ throws(FakeErrno) in
            let (card, client) = try cardClient(file)
            try card.setClientCap(capability, value, client: client)
            return 0
        }
    }

    package func drmGetCap(_ descriptor: Int32, _ capability: UInt64, _ value: UnsafeMutablePointer<UInt64>) -> Int32 {
        perform("drmGetCap", descriptor: descriptor, failure: -1, detail: { _ in Self.capabilityName(capability) }) { file, _ throws(FakeErrno) in
            value.pointee = try cardClient(file).0.capability(capability)
            return 0
        }
    }

    package func drmGetVersion(_ descriptor: Int32) -> UnsafeMutablePointer<drmVersion>? {
        perform("drmGetVersion", descriptor: descriptor, failure: nil) { file, _ throws(FakeErrno) in
            try cardClient(file).0.version(heap: heap)
        }
    }

    package func drmFreeVersion(_ version: UnsafeMutablePointer<drmVersion>) {
        freeLibdrm(version, "drmFreeVersion") { [heap] in
            heap.freeArray($0.pointee.name)
            heap.freeArray($0.pointee.date)
            heap.freeArray($0.pointee.desc)
        }
    }

    package func drmSetMaster(_ descriptor: Int32) -> Int32 {
        perform("drmSetMaster", descriptor: descriptor, failure: -1) { file, _ throws(FakeErrno) in
            let (card, client) = try cardClient(file)
            try card.setMaster(client: client)
            return 0
        }
    }

    package func drmDropMaster(_ descriptor: Int32) -> Int32 {
        perform("drmDropMaster", descriptor: descriptor, failure: -1) { file, _ throws(FakeErrno) in
            let (card, client) = try cardClient(file)
            try card.dropMaster(client: client)
            return 0
        }
    }

    // MARK: Buffers and framebuffers

    package func drmPrimeFDToHandle(_ descriptor: Int32, _ primeDescriptor: Int32, _ handle: UnsafeMutablePointer<UInt32>) -> Int32 {
        perform("drmPrimeFDToHandle", descriptor: descriptor, failure: -1, detail: { _ in self.files[primeDescriptor]?.label ?? "\(primeDescriptor)" }) { file, note throws(FakeErrno) in
            let (card, client) = try cardClient(file)
            guard let prime = files[primeDescriptor] else { throw FakeErrno(EBADF) }
            guard let dmabuf = prime.dmabuf else { throw FakeErrno(EINVAL) }
            handle.pointee = card.importDmaBuf(dmabuf, client: client)
            note = "\(handle.pointee)"
            return 0
        }
    }

    package func drmPrimeHandleToFD(_ descriptor: Int32, _ handle: UInt32, _ flags: UInt32, _ primeDescriptor: UnsafeMutablePointer<Int32>) -> Int32 {
        perform("drmPrimeHandleToFD", descriptor: descriptor, failure: -1, detail: { _ in "\(handle)" }) { file, _ throws(FakeErrno) in
            let (card, client) = try cardClient(file)
            guard flags & ~UInt32(DRM_CLOEXEC | DRM_RDWR) == 0 else { throw FakeErrno(EINVAL) }
            primeDescriptor.pointee = try card.exportHandle(handle, client: client, kernel: self)
            return 0
        }
    }

    package func drmModeAddFB2(
        _ descriptor: Int32, _ width: UInt32, _ height: UInt32, _ format: UInt32,
        _ handles: UnsafePointer<UInt32>, _ pitches: UnsafePointer<UInt32>, _ offsets: UnsafePointer<UInt32>,
        _ modifiers: UnsafePointer<UInt64>?, _ framebuffer: UnsafeMutablePointer<UInt32>, _ flags: UInt32
    ) -> Int32 {
        let name = modifiers == nil ? "drmModeAddFB2" : "drmModeAddFB2WithModifiers"
        return perform(name, descriptor: descriptor, failure: -1, detail: { _ in "\(width)x\(height) \(FourCC(rawValue: format))" }) { file, note throws(FakeErrno) in
            let (card, client) = try cardClient(file)
            framebuffer.pointee = try card.addFramebuffer(
                width: width, height: height, format: format, handles: handles, pitches: pitches, offsets: offsets,
                modifiers: modifiers, flags: flags, client: client)
            note = "\(framebuffer.pointee)"
            return 0
        }
    }

    package func drmModeRmFB(_ descriptor: Int32, _ framebuffer: UInt32) -> Int32 {
        perform("drmModeRmFB", descriptor: descriptor, failure: -1, detail: { _ in "\(framebuffer)" }) { file, _ throws(FakeErrno) in
            let (card, client) = try cardClient(file)
            try card.removeFramebuffer(framebuffer, client: client)
            return 0
        }
    }

    // MARK: Showing

    package func drmModePageFlip(_ descriptor: Int32, _ crtc: UInt32, _ framebuffer: UInt32, _ flags: UInt32, _ userData: UnsafeMutableRawPointer?) -> Int32 {
        perform("drmModePageFlip", descriptor: descriptor, failure: -1, detail: { _ in "\(crtc) fb \(framebuffer)" }) { file, _ throws(FakeErrno) in
            let (card, client) = try cardClient(file)
            try card.pageFlip(crtc, framebuffer: framebuffer, flags: flags, userData: UInt64(UInt(bitPattern: userData)), client: client)
            return 0
        }
    }

    package func drmModeSetCrtc(
        _ descriptor: Int32, _ crtc: UInt32, _ framebuffer: UInt32, _ x: UInt32, _ y: UInt32,
        _ connectors: UnsafeMutablePointer<UInt32>?, _ count: Int32, _ mode: UnsafeMutablePointer<drmModeModeInfo>?
    ) -> Int32 {
        perform("drmModeSetCrtc", descriptor: descriptor, failure: -1, detail: { _ in "\(crtc) fb \(framebuffer)" }) { file, _ throws(FakeErrno) in
            let (card, client) = try cardClient(file)
            try card.setCrtc(crtc, framebuffer: framebuffer, x: x, y: y, connectors: connectors, count: count, mode: mode, client: client)
            return 0
        }
    }

    /// Reads up to 32 waiting events (what one 1024-byte read holds), then,
    /// outside the lock, calls the context's `page_flip_handler2` (version
    /// 3 and later) or `page_flip_handler` for each. With nothing waiting
    /// it fails with EAGAIN, as libdrm's read on a non-blocking descriptor does.
    package func drmHandleEvent(_ descriptor: Int32, _ context: UnsafeMutablePointer<drmEventContext>) -> Int32 {
        let events: [FakeFlipEvent]? = perform("drmHandleEvent", descriptor: descriptor, failure: nil) { file, note throws(FakeErrno) in
            let (_, client) = try cardClient(file)
            guard !client.events.isEmpty else { throw FakeErrno(EAGAIN) }
            let taken = Array(client.events.prefix(32))
            client.events.removeFirst(taken.count)
            note = "\(taken.count)"
            return taken
        }
        guard let events else { return -1 }
        let handlers = context.pointee
        for event in events {
            let userData = UnsafeMutableRawPointer(bitPattern: UInt(event.userData))
            if handlers.version >= 3, let handler = handlers.page_flip_handler2 {
                handler(descriptor, event.sequence, event.seconds, event.microseconds, event.crtc, userData)
            } else if let handler = handlers.page_flip_handler {
                handler(descriptor, event.sequence, event.seconds, event.microseconds, userData)
            }
        }
        return 0
    }

    /// The fake CRTC's vblank count and the time of its last vblank; EINVAL
    /// while the CRTC is off (its vblanks do not run), as the kernel says.
    package func drmCrtcGetSequence(
        _ descriptor: Int32, _ crtc: UInt32, _ sequence: UnsafeMutablePointer<UInt64>, _ nanoseconds: UnsafeMutablePointer<UInt64>
    ) -> Int32 {
        perform("drmCrtcGetSequence", descriptor: descriptor, failure: -1, detail: { _ in "\(crtc)" }) { file, note throws(FakeErrno) in
            let (card, _) = try cardClient(file)
            guard let (count, microseconds) = card.lastVblankLocked(crtc: crtc) else { throw FakeErrno(EINVAL) }
            sequence.pointee = count
            nanoseconds.pointee = microseconds * 1000
            note = "\(count)"
            return 0
        }
    }

    // MARK: Helpers

    /// Frees a top-level libdrm object the fake handed out, with its arrays.
    func freeLibdrm<T>(_ pointer: UnsafeMutablePointer<T>, _ name: String, arrays: (UnsafeMutablePointer<T>) -> Void) {
        lock.withLock {
            guard heap.release(pointer) else {
                violation("\(name) of \(pointer), which the fake's libdrm did not hand out or which was freed already")
                return
            }
            arrays(pointer)
            heap.freeStruct(pointer)
        }
    }

    static func clientCapabilityName(_ capability: UInt64) -> String {
        switch Int32(truncatingIfNeeded: capability) {
        case DRM_CLIENT_CAP_STEREO_3D: return "STEREO_3D"
        case DRM_CLIENT_CAP_UNIVERSAL_PLANES: return "UNIVERSAL_PLANES"
        case DRM_CLIENT_CAP_ATOMIC: return "ATOMIC"
        case DRM_CLIENT_CAP_ASPECT_RATIO: return "ASPECT_RATIO"
        case DRM_CLIENT_CAP_WRITEBACK_CONNECTORS: return "WRITEBACK_CONNECTORS"
        default: return "\(capability)"
        }
    }

    static func capabilityName(_ capability: UInt64) -> String {
        switch Int32(truncatingIfNeeded: capability) {
        case DRM_CAP_DUMB_BUFFER: return "DUMB_BUFFER"
        case DRM_CAP_PRIME: return "PRIME"
        case DRM_CAP_TIMESTAMP_MONOTONIC: return "TIMESTAMP_MONOTONIC"
        case DRM_CAP_ASYNC_PAGE_FLIP: return "ASYNC_PAGE_FLIP"
        case DRM_CAP_ADDFB2_MODIFIERS: return "ADDFB2_MODIFIERS"
        case DRM_CAP_CRTC_IN_VBLANK_EVENT: return "CRTC_IN_VBLANK_EVENT"
        default: return "\(capability)"
        }
    }
}
