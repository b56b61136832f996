import CV4L2
import Platform
import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// An open V4L2 device node, driven through libv4l2 with its format
/// conversion disabled (so what we negotiate is what the driver produces and
/// buffers can be exported as dma-bufs).
///
/// Multiplanar-only nodes are the exception: for them libv4l2 loads its
/// mplane plugin, which hides the MPLANE capability, rejects every
/// MPLANE-typed G_FMT/S_FMT/QBUF/DQBUF with EINVAL (it exists to let old
/// single-planar applications use such nodes, one plane only) and announces
/// itself with a `printf` on standard output. framepipe speaks MPLANE
/// natively, so those nodes are driven with plain ioctls.
///
/// The descriptor is owned here and closed with `v4l2_close` when the device
/// is released.
public final class VideoDevice {
    /// The owned descriptor; every ioctl goes through its funnel.
    package private(set) var fd: OwnedFD
    /// What `VIDIOC_QUERYCAP` said when the device was opened.
    public let capability: CapabilityInfo

    /// The path the node was opened with, e.g. "/dev/video0".
    public var path: String { fd.path }

    private init(fd: consuming OwnedFD, capability: CapabilityInfo) {
        self.fd = fd
        self.capability = capability
    }

    /// Opens a V4L2 node. The path is checked with `stat` first so that a
    /// wrong path gets a message about the path ("is a DRM device") rather than
    /// an ioctl error, and so that libv4l2 never sees (and never logs about)
    /// a non-V4L2 descriptor.
    ///
    /// The corresponding calls are `open`, `VIDIOC_QUERYCAP` and `v4l2_fd_open`.
    public static func open(_ path: String) throws -> VideoDevice {
        try open(path, kernel: SystemKernel.shared)
    }

    /// ``open(_:)`` on `kernel`.
    package static func open(_ path: String, kernel: any KernelInterface) throws -> VideoDevice {
        let kind = try DeviceNodeKind.of(path, kernel: kernel, missing: V4L2Error.noSuchNode(path: path))
        guard kind == .video4linux else {
            throw V4L2Error.notAVideoDevice(path: path, actually: kind.description)
        }
        let plain = try OwnedFD.open(path, kernel: kernel)
        var raw = v4l2_capability()
        try plain.control(.queryCapability, &raw)
        let capability = CapabilityInfo(raw)
        if capability.libv4l2WouldEmulateSinglePlanar {
            return VideoDevice(fd: plain, capability: capability)
        }
        // libv4l2 takes the descriptor over: from now on it must carry the
        // ioctls and do the close.
        let number = plain.rawValue
        guard kernel.v4l2_fd_open(number, Int32(V4L2_DISABLE_CONVERSION)) == number else {
            throw DeviceError(call: "v4l2_fd_open", errno: Errno(rawValue: errno), device: path)
        }
        return VideoDevice(fd: plain.rebound(to: .libv4l2), capability: capability)
    }

    /// Closes the descriptor before the device object goes away (after an
    /// unplug, so that the driver can let go of the node); later calls
    /// fail with EBADF.
    package func close() { fd.close() }

    /// Whether ioctls go through libv4l2 (`v4l2_ioctl`) or straight to the driver.
    package var usesLibV4L2: Bool { fd.backend == .libv4l2 }

    /// The capture buffer type to use: multiplanar when the node offers it,
    /// else single-planar, else nil (not a capture node).
    public var captureBufferType: CaptureBufferType? {
        if capability.deviceCapabilities.contains(.videoCaptureMultiplanar) { return .multiplanar }
        if capability.deviceCapabilities.contains(.videoCapture) { return .singlePlanar }
        return nil
    }

    /// Fails unless this node can capture video with streaming I/O.
    package func requireCapture() throws(V4L2Error) -> CaptureBufferType {
        guard let type = captureBufferType else {
            throw .notACaptureDevice(path: path, card: capability.card, capabilities: capability.deviceCapabilities.names)
        }
        guard capability.deviceCapabilities.contains(.streaming) else { throw .noStreaming(path: path) }
        return type
    }
}
