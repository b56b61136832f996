import CV4L2
import Platform

/// Errors a capture stream reports that are not a failing ioctl: the driver
/// cannot do what the configuration asks, a control name or value is wrong,
/// or the stream was used the wrong way.
public enum CaptureError: UserFacingError, Sendable, Equatable {
    /// `VIDIOC_S_FMT` answered with a different pixel format or size.
    case formatNotOffered(device: String, requested: FrameFormat, offered: FrameFormat, available: [FourCC])
    /// The buffer count in the configuration is outside 2...`VIDEO_MAX_FRAME`.
    case invalidBufferCount(device: String, requested: Int)
    /// `VIDIOC_REQBUFS` granted fewer than the 2 buffers streaming needs.
    case tooFewBuffers(device: String, requested: Int, granted: Int)
    /// A frame interval was asked for but the driver cannot set one.
    case frameIntervalNotSupported(device: String, requested: Fraction)
    /// No control has this name.
    case unknownControl(device: String, name: String, available: [String])
    /// The value is outside the control's range.
    case controlValueOutOfRange(device: String, control: String, value: Int64, minimum: Int64, maximum: Int64)
    /// The control can be read but not set.
    case controlReadOnly(device: String, control: String)
    /// The control can be set but not read (`V4L2_CTRL_FLAG_WRITE_ONLY`, e.g.
    /// a relative pan). Reading a button fails earlier, with
    /// ``controlTypeNotSupported(device:control:type:)``.
    case controlWriteOnly(device: String, control: String)
    /// The control holds something other than one integer (a string, an array, ...).
    case controlTypeNotSupported(device: String, control: String, type: String)
    /// An imported buffer has a different number of planes than the format.
    case importedPlaneCountMismatch(device: String, buffer: Int, expected: Int, got: Int)
    /// An imported plane is smaller than the format needs.
    case importedPlaneTooSmall(device: String, buffer: Int, plane: Int, length: UInt32, needed: UInt32)
    /// An imported plane does not start at offset 0.
    case importedPlaneOffsetNotSupported(device: String, buffer: Int, plane: Int, offset: UInt32)
    /// Nothing to import.
    case noImportedBuffers(device: String)
    /// `queue(index:)` was given an index the stream does not have.
    case noSuchBuffer(device: String, index: Int, count: Int)
    /// `queue(index:)` was given a buffer that is already queued.
    case bufferAlreadyQueued(device: String, index: Int)
    /// The stream was stopped; a new one must be created.
    case streamStopped(device: String)

    /// One line naming the device and what was expected, e.g.
    /// `"/dev/video0: control \"brightness\" is read-only"`.
    public var description: String {
        switch self {
        case .formatNotOffered(let device, let requested, let offered, let available):
            let list = available.map { "'\($0)'" }.joined(separator: ", ")
            return "\(device) cannot capture \(requested): the driver offers \(offered) instead; available formats: \(list.isEmpty ? "none" : list)"
        case .invalidBufferCount(let device, let requested):
            return "\(device): a buffer count of \(requested) is not possible; use 2 to \(StreamingLimits.bufferCount)"
        case .tooFewBuffers(let device, let requested, let granted):
            return "\(device) granted \(granted) of \(requested) requested buffers; streaming needs at least 2"
        case .frameIntervalNotSupported(let device, let requested):
            return "\(device) cannot set a frame interval (asked for \(requested) s): the driver does not support VIDIOC_S_PARM timeperframe"
        case .unknownControl(let device, let name, let available):
            return "\(device) has no control named \"\(name)\"; available controls: \(available.isEmpty ? "none" : available.joined(separator: ", "))"
        case .controlValueOutOfRange(let device, let control, let value, let minimum, let maximum):
            return "\(device): \(value) is out of range for control \"\(control)\" (minimum \(minimum), maximum \(maximum))"
        case .controlReadOnly(let device, let control):
            return "\(device): control \"\(control)\" is read-only"
        case .controlWriteOnly(let device, let control):
            return "\(device): control \"\(control)\" is write-only and cannot be read"
        case .controlTypeNotSupported(let device, let control, let type):
            return "\(device): control \"\(control)\" is of type \(type); only integer, 64-bit integer, boolean, menu, integer menu, bitmask and button controls can be set by value"
        case .importedPlaneCountMismatch(let device, let buffer, let expected, let got):
            return "\(device): imported buffer \(buffer) has \(got) planes; the format needs \(expected)"
        case .importedPlaneTooSmall(let device, let buffer, let plane, let length, let needed):
            return "\(device): imported buffer \(buffer) plane \(plane) has \(length) bytes; the format needs \(needed)"
        case .importedPlaneOffsetNotSupported(let device, let buffer, let plane, let offset):
            return "\(device): imported buffer \(buffer) plane \(plane) starts at offset \(offset); a capture driver always writes from offset 0"
        case .noImportedBuffers(let device):
            return "\(device): no buffers to import"
        case .noSuchBuffer(let device, let index, let count):
            return "\(device): there is no buffer \(index); the stream has \(count)"
        case .bufferAlreadyQueued(let device, let index):
            return "\(device): buffer \(index) is already queued"
        case .streamStopped(let device):
            return "\(device): the capture stream was stopped"
        }
    }

    /// Requests the driver or configuration cannot meet are
    /// ``ErrorCategory/invalidRequest``; too few buffers granted is
    /// ``ErrorCategory/unavailable``; misuse of a stream is
    /// ``ErrorCategory/internalError``.
    public var category: ErrorCategory {
        switch self {
        case .formatNotOffered, .invalidBufferCount, .frameIntervalNotSupported, .unknownControl,
             .controlValueOutOfRange, .controlReadOnly, .controlWriteOnly, .controlTypeNotSupported,
             .importedPlaneCountMismatch, .importedPlaneTooSmall, .importedPlaneOffsetNotSupported,
             .noImportedBuffers:
            return .invalidRequest
        case .tooFewBuffers:
            return .unavailable
        case .noSuchBuffer, .bufferAlreadyQueued, .streamStopped:
            return .internalError
        }
    }
}
