import CDRM
import Logging
import Platform
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The KMS module's log (swift-log label "framepipe.kms").
let logger = Logger(label: "framepipe.kms")

/// An open DRM card (/dev/dri/cardN): the one owner of its file descriptor,
/// which is closed when the card is released.
///
/// `Card` is a final class with only immutable state, so it is `Sendable`
/// without `@unchecked`: the kernel serialises calls on one descriptor, and
/// the pipeline keeps all calls on one serial queue anyway so that commits
/// and flip events stay in order.
public final class Card: Sendable {
    /// The path the card was opened from; every error names it.
    public let path: String
    /// The driver's name and version.
    public let driver: DriverInfo
    /// What the card and this client may do.
    public let capabilities: CardCapabilities
    /// The descriptor. Borrowed by the calls in this module, never handed out.
    package let fd: OwnedFD
    /// Who holds each GEM handle of this descriptor. The kernel gives one
    /// handle per buffer per descriptor, and importing a buffer again (or
    /// one this card exported) returns the same handle, so closing must wait
    /// for the last holder.
    let gemHandles = GEMHandleTable()
    /// What `drmModeGetProperty` said of each property id (its name, kind
    /// and allowed values do not change while the card is open; values are
    /// read per object). Property ids are shared by all objects of a type,
    /// so describing a card with nine planes asks for each once, not 300
    /// times (each ioctl costs at start-up).
    let propertyDefinitions = Mutex<[UInt32: ModeObjectProperty]>([:])
    /// Where this card's libdrm calls go (libdrm itself, or a test's fake).
    package let drm: any DRMInterface

    private init(fd: consuming OwnedFD, drm: any DRMInterface, driver: DriverInfo, capabilities: CardCapabilities) {
        self.path = fd.path
        self.fd = fd
        self.drm = drm
        self.driver = driver
        self.capabilities = capabilities
    }

    /// The DRM cards present, "/dev/dri/card0" first. Render nodes are left
    /// out: they cannot drive a display.
    public static func devicePaths(in directory: String = "/dev/dri") -> [String] {
        devicePaths(in: directory, kernel: SystemKernel.shared)
    }

    /// ``devicePaths(in:)`` as `kernel` lists them.
    package static func devicePaths(in directory: String = "/dev/dri", kernel: any KernelInterface) -> [String] {
        numberedDeviceNodes(in: directory, prefix: "card", kernel: kernel)
    }

    /// Where this card's system calls go (the system's kernel, or a test's fake).
    package var kernel: any KernelInterface { fd.kernel }

    /// The libdrm a card opened on `kernel` uses when none is given: a
    /// kernel that is also a ``DRMInterface`` (the test fake) serves as
    /// both; any other kernel's descriptors are real ones, so they get
    /// libdrm itself (``SystemDRM``).
    package static func defaultDRM(for kernel: any KernelInterface) -> any DRMInterface {
        kernel as? any DRMInterface ?? SystemDRM.shared
    }

    /// Opens a DRM card and enables the client caps framepipe relies on:
    /// universal planes (so primary and cursor planes are visible), atomic
    /// (for tear-free, tested commits) and, once atomic is on, writeback
    /// connectors. Whether each cap took is recorded in ``capabilities``.
    ///
    /// The path is checked with `stat` first, so a wrong path gets a message
    /// about the path, not about a failed ioctl.
    ///
    /// - Throws: `KMSError.noSuchNode` for a missing path (exit category
    ///   `.notFound`); `KMSError.notADRMCard` or `KMSError.renderNode` for a
    ///   node of the wrong kind; `DeviceError` from `open` for permission or
    ///   busy, and from `drmGetVersion` if the driver does not answer.
    ///
    /// The corresponding calls are `open`, `drmGetNodeTypeFromFd`,
    /// `drmSetClientCap`, `drmGetCap` and `drmGetVersion`.
    public static func open(path: String) throws -> Card {
        try open(path: path, kernel: SystemKernel.shared)
    }

    /// ``open(path:)`` on `kernel`, with libdrm's calls going to `drm`
    /// (by default ``defaultDRM(for:)``: the fake kernel's own, else libdrm).
    package static func open(path: String, kernel: any KernelInterface, drm: (any DRMInterface)? = nil) throws -> Card {
        let drm = drm ?? defaultDRM(for: kernel)
        let kind = try DeviceNodeKind.of(path, kernel: kernel, missing: KMSError.noSuchNode(path: path))
        guard kind == .drm else { throw KMSError.notADRMCard(path: path, found: kind) }

        let fd = try OwnedFD.open(path, kernel: kernel)
        let descriptor = fd.rawValue
        if drm.drmGetNodeTypeFromFd(descriptor) == DRM_NODE_RENDER {
            throw KMSError.renderNode(path: path)
        }

        func setClientCap(_ cap: Int32, _ name: String) -> Bool {
            let worked = drm.drmSetClientCap(descriptor, UInt64(cap), 1) == 0
            if !worked { logger.debug("client cap not available", metadata: ["device": "\(path)", "cap": "\(name)", "errno": "\(errnoName(errno))"]) }
            return worked
        }
        func deviceCap(_ cap: Int32) -> UInt64 {
            var value: UInt64 = 0
            return drm.drmGetCap(descriptor, UInt64(cap), &value) == 0 ? value : 0
        }

        var capabilities = CardCapabilities()
        capabilities.universalPlanes = setClientCap(DRM_CLIENT_CAP_UNIVERSAL_PLANES, "DRM_CLIENT_CAP_UNIVERSAL_PLANES")
        capabilities.atomic = setClientCap(DRM_CLIENT_CAP_ATOMIC, "DRM_CLIENT_CAP_ATOMIC")
        // The kernel refuses writeback to clients that are not atomic.
        if capabilities.atomic {
            capabilities.writebackConnectors = setClientCap(DRM_CLIENT_CAP_WRITEBACK_CONNECTORS, "DRM_CLIENT_CAP_WRITEBACK_CONNECTORS")
        }
        capabilities.dumbBuffer = deviceCap(DRM_CAP_DUMB_BUFFER) != 0
        let prime = deviceCap(DRM_CAP_PRIME)
        capabilities.primeImport = prime & UInt64(DRM_PRIME_CAP_IMPORT) != 0
        capabilities.primeExport = prime & UInt64(DRM_PRIME_CAP_EXPORT) != 0
        capabilities.addFramebuffer2Modifiers = deviceCap(DRM_CAP_ADDFB2_MODIFIERS) != 0
        capabilities.asyncPageFlip = deviceCap(DRM_CAP_ASYNC_PAGE_FLIP) != 0
        capabilities.timestampMonotonic = deviceCap(DRM_CAP_TIMESTAMP_MONOTONIC) != 0
        capabilities.crtcInVblankEvent = deviceCap(DRM_CAP_CRTC_IN_VBLANK_EVENT) != 0

        let version = try fetchObject("drmGetVersion", device: path) { drm.drmGetVersion(descriptor) }
        defer { drm.drmFreeVersion(version) }
        let driver = DriverInfo(
            name: String(libdrmString: version.pointee.name),
            description: String(libdrmString: version.pointee.desc),
            date: String(libdrmString: version.pointee.date),
            majorVersion: Int(version.pointee.version_major),
            minorVersion: Int(version.pointee.version_minor),
            patchLevel: Int(version.pointee.version_patchlevel))

        logger.debug("opened DRM card", metadata: [
            "device": "\(path)", "driver": "\(driver.name)",
            "atomic": "\(capabilities.atomic)", "writeback": "\(capabilities.writebackConnectors)",
        ])
        return Card(fd: fd, drm: drm, driver: driver, capabilities: capabilities)
    }
}
