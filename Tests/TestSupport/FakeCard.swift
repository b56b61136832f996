import CDRM
import CKernelShim
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A DRM card of a ``FakeKernel``, modelled on vkms in Linux 6.1: one CRTC,
/// one connected connector "Virtual-1" (1024x768 preferred, 640x480), one
/// encoder, a primary plane (XR24, which must cover the CRTC when on) and
/// optionally an overlay plane (XR24, AR24), with their atomic properties;
/// dumb buffers, PRIME import and export, framebuffers, blobs, master,
/// atomic commits (checked as the kernel checks them), the legacy
/// SetCrtc/PageFlip calls, and flip events.
///
/// By default fbdev's console is on screen, as in the lab: the CRTC is
/// active at 1024x768 and the primary plane shows a framebuffer no client
/// owns, so restoring "what was there" is a real test.
///
/// Time is the test's: a commit without NONBLOCK waits for (and takes up)
/// one vblank, so its event is ready when it returns; a NONBLOCK commit
/// or a page flip stays pending until ``vblank()`` (or a waiting `poll`,
/// see ``Configuration/vblankWhileWaiting``).
public final class FakeCard: @unchecked Sendable {
    public struct Configuration: Sendable {
        /// Whether the card has the overlay plane.
        public var overlayPlane: Bool
        /// Whether the driver does atomic modesetting; false makes a
        /// legacy-only card whose DRM_CLIENT_CAP_ATOMIC fails.
        public var atomic: Bool
        /// Whether fbdev's console is on screen when the card appears.
        public var consoleOn: Bool
        /// Whether the first opener becomes master without asking, as the
        /// real kernel does. Off by default so that "master held" means
        /// "drmSetMaster succeeded and was not undone".
        public var implicitMasterOnOpen: Bool
        /// Whether a `poll` that would wait lets a pending flip complete.
        public var vblankWhileWaiting: Bool
        /// The multiple of bytes every framebuffer pitch must be (AddFB2
        /// fails with EINVAL otherwise), as display engines with a fixed
        /// scan-out burst require; dumb buffers get pitches of this
        /// multiple. 1: any pitch.
        public var pitchAlignment: UInt32

        public init(
            overlayPlane: Bool = true, atomic: Bool = true, consoleOn: Bool = true,
            implicitMasterOnOpen: Bool = false, vblankWhileWaiting: Bool = true, pitchAlignment: UInt32 = 1
        ) {
            self.pitchAlignment = pitchAlignment
            self.overlayPlane = overlayPlane
            self.atomic = atomic
            self.consoleOn = consoleOn
            self.implicitMasterOnOpen = implicitMasterOnOpen
            self.vblankWhileWaiting = vblankWhileWaiting
        }
    }

    // Object ids, as stable as vkms's on one kernel.
    public static let primaryPlaneID: UInt32 = 31
    public static let overlayPlaneID: UInt32 = 32
    public static let crtcID: UInt32 = 35
    public static let encoderID: UInt32 = 36
    public static let connectorID: UInt32 = 37
    /// fbdev's framebuffer and the blob of the mode it set.
    public static let consoleFramebufferID: UInt32 = 38
    public static let consoleModeBlobID: UInt32 = 39

    public let path: String
    public let configuration: Configuration
    let minor: UInt32
    private let lock: FakeLock

    // State; the kernel's lock guards it.
    var objects: [UInt32: FakeModeObject] = [:]
    /// The one property store: object → property id → value.
    var values: [UInt32: [UInt32: UInt64]] = [:]
    var clients: [FakeDRMClient] = []
    var framebuffers: [UInt32: FakeFramebuffer] = [:]
    var blobs: [UInt32: FakeBlob] = [:]
    var nextObjectID: UInt32 = 40
    var pendingFlips: [UInt32: FakePendingFlip] = [:]
    var vblankSequence: UInt32 = 0
    var clockMicroseconds: UInt64 = 1_000_000_000
    var recordedCommits: [FakeCommit] = []
    var removedWhileShown: [UInt32] = []
    var isUnpluggedLocked = false

    init(path: String, minor: UInt32, configuration: Configuration, lock: FakeLock) {
        self.path = path
        self.minor = minor
        self.configuration = configuration
        self.lock = lock
        buildObjects()
    }

    // MARK: Playing the hardware

    /// One vertical blank: the CRTC's counter and clock advance one frame,
    /// and the flip in flight (if any) completes and sends its event.
    /// Returns how many flips completed (0 or 1).
    @discardableResult
    public func vblank() -> Int {
        lock.withLock {
            defer { lock.broadcast() }
            return vblankLocked()
        }
    }

    /// Pulls the card out: every call on its descriptors fails with ENODEV
    /// (closing still works) and `poll` reports POLLERR|POLLHUP.
    public func unplug() {
        lock.withLock { isUnpluggedLocked = true; lock.broadcast() }
    }

    // MARK: Looking at it

    /// The value of the property `name` of `object` now, nil if it has none.
    public func propertyValue(_ name: String, of object: UInt32) -> UInt64? {
        lock.withLock {
            guard let property = objects[object]?.properties.first(where: { $0.name == name }) else { return nil }
            return values[object]?[property.id]
        }
    }

    /// Every property value of every object, modes by their bytes.
    public var screenState: FakeScreenState {
        lock.withLock {
            var state = FakeScreenState(values: [:], modes: [:])
            for object in objects.values where !object.properties.isEmpty {
                for property in object.properties where property.id != FakeProperty.mode.id {
                    state.values[object.id, default: [:]][property.name] = values[object.id]?[property.id] ?? 0
                }
                if object.type == DRM_MODE_OBJECT_CRTC {
                    state.modes[object.id] = modeBytes(of: object.id) ?? []
                }
            }
            return state
        }
    }

    /// The CRTC's clock now (the last vblank's time), CLOCK_MONOTONIC
    /// nanoseconds as its flip events report them.
    public var clockNanoseconds: Int64 { lock.withLock { Int64(clockMicroseconds) * 1000 } }

    /// The atomic commits made so far, decoded.
    public var commits: [FakeCommit] { lock.withLock { recordedCommits } }
    /// Whether a commit or flip is in flight.
    public var hasPendingFlip: Bool { lock.withLock { !pendingFlips.isEmpty } }
    /// Events completed and not yet read, over all clients.
    public var waitingEventCount: Int { lock.withLock { clients.reduce(0) { $0 + $1.events.count } } }
    /// Whether some client holds master.
    public var isMasterHeld: Bool { lock.withLock { clients.contains { $0.isMaster } } }
    /// GEM handles open, over all clients.
    public var openGEMHandleCount: Int { lock.withLock { clients.reduce(0) { $0 + $1.handles.count } } }
    /// Framebuffers added by clients and not removed, in id order.
    public var framebufferIDs: [UInt32] { lock.withLock { framebuffers.values.filter { $0.owner != nil }.map(\.id).sorted() } }
    /// Blobs created by clients and not destroyed, in id order.
    public var blobIDs: [UInt32] { lock.withLock { blobs.values.filter { $0.owner != nil }.map(\.id).sorted() } }
    /// Every blob that exists, whoever holds it.
    public var allBlobIDs: [UInt32] { lock.withLock { blobs.keys.sorted() } }
    /// Framebuffers removed while a plane showed them (the kernel then
    /// turns the plane off): a sign that teardown did not restore first.
    public var framebuffersRemovedWhileShown: [UInt32] { lock.withLock { removedWhileShown } }
    public var isUnplugged: Bool { lock.withLock { isUnpluggedLocked } }

    // MARK: Kernel side (the lock is held)

    var hasPendingFlipsLocked: Bool { !pendingFlips.isEmpty }

    func attach(_ file: FakeOpenFile) {
        guard let client = file.client else { return }
        if configuration.implicitMasterOnOpen, !clients.contains(where: { $0.isMaster }) { client.isMaster = true }
        clients.append(client)
    }

    func pollEvents(_ file: FakeOpenFile) -> Int32 {
        if isUnpluggedLocked { return Int32(POLLERR | POLLHUP) }
        return (file.client?.events.isEmpty ?? true) ? 0 : Int32(POLLIN | POLLRDNORM)
    }

    @discardableResult
    func vblankLocked() -> Int {
        guard values[Self.crtcID]?[FakeProperty.active.id] == 1 else {
            // A CRTC turned off under a flip (its framebuffer removed) has
            // no vblank; the kernel completes the flip as it disables it.
            guard let flip = pendingFlips.removeValue(forKey: Self.crtcID) else { return 0 }
            if flip.sendsEvent { queueEvent(for: flip) }
            return 1
        }
        vblankSequence &+= 1
        clockMicroseconds += frameMicroseconds()
        guard let flip = pendingFlips.removeValue(forKey: Self.crtcID) else { return 0 }
        if flip.sendsEvent { queueEvent(for: flip) }
        return 1
    }

    /// The vblank count and clock (µs) of `crtc`, nil while it is off.
    func lastVblankLocked(crtc: UInt32) -> (UInt64, UInt64)? {
        guard crtc == Self.crtcID, values[Self.crtcID]?[FakeProperty.active.id] == 1 else { return nil }
        return (UInt64(vblankSequence), clockMicroseconds)
    }

    func queueEvent(for flip: FakePendingFlip) {
        flip.client.events.append(FakeFlipEvent(
            crtc: Self.crtcID, sequence: vblankSequence, seconds: UInt32(clockMicroseconds / 1_000_000),
            microseconds: UInt32(clockMicroseconds % 1_000_000), userData: flip.userData))
    }

    /// The length of a frame of the current mode (60 Hz when off).
    func frameMicroseconds() -> UInt64 {
        guard let bytes = modeBytes(of: Self.crtcID), let mode = Self.modeInfo(bytes),
              mode.clock > 0, mode.htotal > 0, mode.vtotal > 0 else { return 16_667 }
        return UInt64(mode.htotal) * UInt64(mode.vtotal) * 1_000 / UInt64(mode.clock)
    }

    func modeBytes(of crtc: UInt32) -> [UInt8]? {
        guard let id = values[crtc]?[FakeProperty.mode.id], id != 0 else { return nil }
        return blobs[UInt32(truncatingIfNeeded: id)]?.bytes
    }

    static func modeInfo(_ bytes: [UInt8]) -> drmModeModeInfo? {
        guard bytes.count == MemoryLayout<drmModeModeInfo>.size else { return nil }
        var info = drmModeModeInfo()
        withUnsafeMutableBytes(of: &info) { $0.copyBytes(from: bytes) }
        return info
    }

    static func bytes(of mode: drmModeModeInfo) -> [UInt8] {
        withUnsafeBytes(of: mode) { Array($0) }
    }

    func newObjectID() -> UInt32 {
        defer { nextObjectID += 1 }
        return nextObjectID
    }

    /// What this card still holds for clients, for ``FakeKernel/leakReport()``.
    func addLeaks(to report: inout FakeLeakReport) {
        for client in clients {
            for (handle, object) in client.handles.sorted(by: { $0.key < $1.key }) {
                report.gemHandles.append("handle \(handle) (\(object.label)) of \(client.label)")
            }
            if client.isMaster { report.masters.append(client.label) }
        }
        for framebuffer in framebuffers.values.sorted(by: { $0.id < $1.id }) where framebuffer.owner != nil {
            report.framebuffers.append("framebuffer \(framebuffer.id) \(framebuffer.width)x\(framebuffer.height) of \(path)")
        }
        for blob in blobs.values.sorted(by: { $0.id < $1.id }) where blob.owner != nil {
            report.blobs.append("blob \(blob.id) of \(path)")
        }
    }
}
