import Platform

#if canImport(Glibc)
import Glibc
#endif

/// Errors of a running pipeline (device faults are `DeviceError`s, except
/// the camera faults below, which get a message of their own).
public enum PipelineError: UserFacingError, Sendable, Equatable {
    /// The camera delivered nothing for as long as `after` (at least the
    /// pipeline's ``FramePipeline/cameraTimeout``).
    case cameraStalled(device: String, after: Duration)
    /// A commit's flip event did not arrive within `after` (the pipeline's
    /// ``FramePipeline/flipTimeout``, or longer).
    case flipTimedOut(device: String, after: Duration)
    /// The allocator asked for (or, for "auto", every one) cannot work with
    /// this camera and card; `reason` says why.
    case memoryUnavailable(memory: String, reason: String)
    /// Every candidate was tried and refused; `attempts` says by what.
    case nothingWorks(PipelinePlan)
    /// The driver's plane layout does not fit the format's table entry.
    case inconsistentPlanes(device: String, format: String)
    /// A dequeued frame starts elsewhere in its buffer (`data_offset`) than
    /// when the buffer was imported as a framebuffer: shown, it would be
    /// shifted. The display would need another framebuffer for it.
    case dataOffsetChanged(device: String, index: Int, imported: [UInt32], reported: [UInt32])
    /// The camera went away while streaming: its descriptor polls
    /// `POLLERR | POLLHUP` and every ioctl fails with ENODEV (a USB camera
    /// pulled out, vivid's `disconnect` control).
    case cameraUnplugged(device: String)
    /// The driver stopped the stream with a fatal error: DQBUF and QBUF fail
    /// with EIO and poll reports `POLLERR` until streaming is turned off
    /// (vb2_queue_error; vivid's `inject_fatal_streaming_error`).
    case cameraFailed(device: String, cause: String)
    /// The camera refused a buffer back twice in a row (`VIDIOC_QBUF`). One
    /// failure is retried; a second means the driver will not take it.
    case bufferNotReturned(device: String, index: Int, cause: String)
    /// Several sources need a plane each on the CRTC; the card has fewer
    /// usable ones (`planes`, described) than `sources` (camera paths).
    case tooFewPlanes(card: String, crtc: String, planes: [String], sources: [String])
    /// Several sources need atomic KMS (one commit carrying several planes).
    case severalSourcesNeedAtomic(card: String)
    /// A source's rectangle reaches past the mode.
    case rectangleOutsideMode(source: String, rectangle: String, mode: String)

    /// One line naming the device and what happened.
    public var description: String {
        switch self {
        case .cameraStalled(let device, let after):
            return "\(device): no frame from the camera for \(NumberText.fixed(after.inSeconds, 1)) s; expected frames at the negotiated rate"
        case .flipTimedOut(let device, let after):
            return "\(device): a page flip did not complete within \(NumberText.fixed(after.inSeconds, 1)) s"
        case .memoryUnavailable(let memory, let reason):
            return "memory \(memory) cannot be used: \(reason)"
        case .nothingWorks(let plan):
            return "\(plan.camera) → \(plan.card): no zero-copy pipeline works; tried \(plan.refusals); `framepipe plan` lists each"
        case .inconsistentPlanes(let device, let format):
            return "\(device): the driver's plane layout for \(format) does not match the format"
        case .dataOffsetChanged(let device, let index, let imported, let reported):
            return "\(device): buffer \(index) reported data_offset \(reported) at dequeue, but its framebuffer was made with \(imported); framepipe cannot show it unshifted"
        case .cameraUnplugged(let device):
            return "\(device): the camera was unplugged while streaming (ENODEV, POLLERR|POLLHUP on its descriptor); reconnect it and start again"
        case .cameraFailed(let device, let cause):
            return "\(device): the camera stopped streaming with a fatal error (\(cause)); restart it and start again"
        case .bufferNotReturned(let device, let index, let cause):
            return "\(device): the camera did not take buffer \(index) back (\(cause)); stopping"
        case .tooFewPlanes(let card, let crtc, let planes, let sources):
            return "\(card): \(sources.count) sources need a plane each on CRTC \(crtc), but it has \(planes.count) usable: "
                + "planes \(planes.isEmpty ? "none" : planes.joined(separator: ", ")); sources \(sources.joined(separator: ", "))"
        case .severalSourcesNeedAtomic(let card):
            return "\(card): several sources on one screen need atomic KMS (one commit for several planes); the card has none"
        case .rectangleOutsideMode(let source, let rectangle, let mode):
            return "\(source): its rect \(rectangle) reaches past the mode \(mode); expected a rectangle inside it"
        }
    }

    /// Device faults are `deviceFailed`; layouts framepipe cannot show, `unavailable`.
    public var category: ErrorCategory {
        switch self {
        case .cameraStalled, .flipTimedOut, .cameraUnplugged, .cameraFailed, .bufferNotReturned: return .deviceFailed
        case .inconsistentPlanes, .dataOffsetChanged, .memoryUnavailable, .tooFewPlanes, .severalSourcesNeedAtomic: return .unavailable
        case .rectangleOutsideMode: return .invalidRequest
        case .nothingWorks: return .invalidRequest
        }
    }

    /// The pipeline's name for a camera fault that a `DeviceError` reports
    /// in kernel terms: ENODEV/ENXIO from any camera ioctl means the camera
    /// is gone, EIO from DQBUF/QBUF/STREAMON that the driver gave up
    /// streaming. Other errors are returned unchanged.
    package static func cameraFault(_ error: any Error, device: String) -> any Error {
        guard let failure = error as? DeviceError, failure.device == device else { return error }
        switch failure.errnoCode {
        case ENODEV, ENXIO:
            return PipelineError.cameraUnplugged(device: device)
        case EIO where ["VIDIOC_DQBUF", "VIDIOC_QBUF", "VIDIOC_STREAMON"].contains(failure.call):
            return PipelineError.cameraFailed(device: device, cause: "\(failure.call) failed: EIO")
        default:
            return error
        }
    }
}
