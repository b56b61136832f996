import Logging
import Platform

/// Finding a camera when the pipeline says "auto".
extension VideoDevice {
    /// The V4L2 nodes (/dev/videoN) `kernel` lists, in number order.
    package static func nodePaths(in directory: String = "/dev", kernel: any KernelInterface) -> [String] {
        numberedDeviceNodes(in: directory, prefix: "video", kernel: kernel)
    }

    /// Opens the first V4L2 node that can capture video with streaming I/O.
    ///
    /// Nodes that are not cameras (codecs, outputs, metadata nodes) are
    /// passed over. A node the user may not open is passed over too, but
    /// if no camera is found, that refusal is the error (naming the node,
    /// EACCES: a permission problem, not a missing camera).
    ///
    /// - Throws: `DeviceError` with EACCES or EPERM when the only cameras
    ///   could not be opened; ``V4L2Error/noCaptureDevice(tried:)`` otherwise.
    public static func openFirstCaptureDevice() throws -> VideoDevice {
        try openFirstCaptureDevice(kernel: SystemKernel.shared)
    }

    /// ``openFirstCaptureDevice()`` on `kernel`, looking in `directory`.
    package static func openFirstCaptureDevice(in directory: String = "/dev", kernel: any KernelInterface) throws -> VideoDevice {
        var tried: [String] = []
        var refused: DeviceError?
        for path in nodePaths(in: directory, kernel: kernel) {
            tried.append(path)
            do {
                let device = try open(path, kernel: kernel)
                if (try? device.requireCapture()) != nil { return device }
                discoveryLogger.debug("not a camera", metadata: ["device": "\(path)"])
            } catch let error as DeviceError where error.category == .permissionDenied {
                if refused == nil { refused = error }
            } catch {
                discoveryLogger.debug("passed over", metadata: ["device": "\(path)", "error": "\(error)"])
            }
        }
        if let refused { throw refused }
        throw V4L2Error.noCaptureDevice(tried: tried)
    }
}

extension VideoDevice {
    /// Opens the capture node of the camera that was at `path` with
    /// `busInfo` (`VIDIOC_QUERYCAP`'s bus_info, the same for a camera
    /// plugged back in, whichever /dev/videoN it gets); with an empty
    /// `busInfo`, the node at `path` if it captures. Nil if there is none
    /// (yet).
    package static func findCapture(busInfo: String, path: String, kernel: any KernelInterface) -> VideoDevice? {
        // The old path first: most often the camera comes back there.
        var paths = nodePaths(kernel: kernel)
        if let index = paths.firstIndex(of: path) { paths.insert(paths.remove(at: index), at: 0) }
        for candidate in paths {
            guard let device = try? open(candidate, kernel: kernel), (try? device.requireCapture()) != nil else { continue }
            if busInfo.isEmpty ? candidate == path : device.capability.busInfo == busInfo { return device }
        }
        return nil
    }
}

private let discoveryLogger = Logger(label: "framepipe.v4l2")
