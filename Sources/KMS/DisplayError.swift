import Platform

#if canImport(Glibc)
import Glibc
#endif

/// Why the display stage could not be set up or used. Each message names
/// the object at fault and, where the user has a choice, lists what the
/// card offers instead.
public enum DisplayError: UserFacingError, Sendable, Equatable {
    /// The requested connector (by name or id) does not exist.
    case connectorNotFound(requested: String, device: String, available: [ConnectorSummary])
    /// The requested connector captures output instead of showing it.
    case connectorIsWriteback(name: String, device: String, available: [ConnectorSummary])
    /// No connector reports a display (and none is in the "unknown" state).
    case noConnectedConnector(device: String, available: [ConnectorSummary])
    /// The connector offers no modes at all.
    case noModes(connector: String, device: String)
    /// The requested mode is not among the connector's modes.
    case modeNotFound(requested: String, connector: String, device: String, available: [String])
    /// No CRTC can drive the connector.
    case noCrtc(connector: String, device: String)
    /// The requested plane id does not exist.
    case planeNotFound(requested: PlaneID, device: String, available: [PlaneSummary])
    /// The requested plane cannot be attached to the CRTC that drives the connector.
    case planeCannotReachCrtc(plane: PlaneID, crtc: CrtcID, device: String)
    /// The requested plane (or, with `plane == nil`, every plane of the
    /// CRTC) cannot scan out the frames' format.
    case formatNotSupported(format: FourCC, modifier: FormatModifier, plane: PlaneID?, crtc: CrtcID, device: String, planes: [PlaneSummary])
    /// The requested position lies outside the mode.
    case positionOutsideMode(x: Int, y: Int, mode: String)
    /// The frame size is not usable (zero or negative).
    case invalidFrameSize(width: Int, height: Int)
    /// The legacy (non-atomic) path can only pan a frame at least as large
    /// as the mode; it cannot place a smaller one.
    case legacyNeedsFullScreenFrame(frameWidth: Int, frameHeight: Int, mode: String, device: String)
    /// drmSetMaster failed: someone else drives the display.
    case masterHeld(device: String, errnoCode: Int32)
    /// Every layout the display tried was refused by a TEST_ONLY commit.
    case configurationRejected(device: String, attempts: [String])
    /// No plan at all could be made for the frame (an inconsistent card description).
    case noCandidate(device: String, selection: String)
    /// `show` was called while the previous commit has not completed.
    case flipPending(device: String)
    /// `show` was given a framebuffer this display did not import.
    case unknownFramebuffer(FramebufferID, device: String)
    /// The framebuffer is smaller than the frames the display was set up for.
    case framebufferTooSmall(FramebufferID, width: Int, height: Int, neededWidth: Int, neededHeight: Int, device: String)
    /// A framebuffer description is inconsistent.
    case invalidFramebufferLayout(reason: String, device: String)
    /// The display was closed.
    case closed(device: String)
    /// A mode object lacks a property the display needs.
    case missingProperty(object: String, name: String, device: String)
    /// A writeback snapshot is not possible, and why.
    case writebackUnavailable(device: String, reason: String)
    /// The writeback did not complete in time.
    case writebackTimedOut(device: String, milliseconds: Int)

    /// One line naming the object at fault and listing the alternatives, e.g.
    /// `"connector 'HDMI-A-1' not found on /dev/dri/card0; available: Virtual-1 (connected), Writeback-1"`.
    public var description: String {
        switch self {
        case .connectorNotFound(let requested, let device, let available):
            return "connector '\(requested)' not found on \(device); available: \(Self.list(available))"
        case .connectorIsWriteback(let name, let device, let available):
            return "connector '\(name)' on \(device) is a writeback connector, which captures output instead of showing it; available: \(Self.list(available))"
        case .noConnectedConnector(let device, let available):
            return "no connected display on \(device); available: \(Self.list(available))"
        case .noModes(let connector, let device):
            return "connector \(connector) on \(device) offers no modes (is a display attached?)"
        case .modeNotFound(let requested, let connector, let device, let available):
            return "mode '\(requested)' not offered by connector \(connector) on \(device); available: \(available.isEmpty ? "none" : available.joined(separator: ", "))"
        case .noCrtc(let connector, let device):
            return "no CRTC of \(device) can drive connector \(connector)"
        case .planeNotFound(let requested, let device, let available):
            return "plane \(requested) not found on \(device); planes: \(Self.list(available))"
        case .planeCannotReachCrtc(let plane, let crtc, let device):
            return "plane \(plane) of \(device) cannot be used with CRTC \(crtc), which drives the chosen connector"
        case .formatNotSupported(let format, let modifier, let plane, let crtc, let device, let planes):
            let layout = modifier == .linear || modifier == .invalid ? "" : " with modifier \(modifier)"
            if let plane {
                return "plane \(plane) on \(device) cannot show \(format)\(layout); planes: \(Self.list(planes))"
            }
            return "no plane of CRTC \(crtc) on \(device) can show \(format)\(layout); planes: \(Self.list(planes))"
        case .positionOutsideMode(let x, let y, let mode):
            return "position \(x),\(y) lies outside the \(mode) mode"
        case .invalidFrameSize(let width, let height):
            return "frame size \(width)x\(height) is not a size a display can show"
        case .legacyNeedsFullScreenFrame(let width, let height, let mode, let device):
            return "the legacy (non-atomic) display path of \(device) can only show frames at least as large as the mode; \(width)x\(height) is smaller than \(mode); choose a mode of \(width)x\(height) or use atomic"
        case .masterHeld(let device, let code):
            return "another program holds DRM master on \(device) (drmSetMaster failed: \(errnoName(code))); stop the display server or run from a text console"
        case .noCandidate(let device, let selection):
            return "\(device) offers no way to show a \(selection) frame"
        case .configurationRejected(let device, let attempts):
            return "\(device) rejected every display configuration tried (TEST_ONLY): \(attempts.joined(separator: "; "))"
        case .flipPending(let device):
            return "busy: the last commit on \(device) has not completed; wait for its flip event before showing another frame"
        case .unknownFramebuffer(let framebuffer, let device):
            return "framebuffer \(framebuffer) was not imported by this display on \(device)"
        case .framebufferTooSmall(let framebuffer, let width, let height, let neededWidth, let neededHeight, let device):
            return "framebuffer \(framebuffer) on \(device) is \(width)x\(height), smaller than the \(neededWidth)x\(neededHeight) the display was set up for"
        case .invalidFramebufferLayout(let reason, let device):
            return "cannot add a framebuffer on \(device): \(reason)"
        case .closed(let device):
            return "the display on \(device) is closed"
        case .missingProperty(let object, let name, let device):
            return "\(object) on \(device) has no property \(name)"
        case .writebackUnavailable(let device, let reason):
            return "no writeback snapshot on \(device): \(reason)"
        case .writebackTimedOut(let device, let milliseconds):
            return "the writeback on \(device) did not complete within \(milliseconds) ms"
        }
    }

    /// Missing connectors and planes are ``ErrorCategory/notFound``; choices
    /// the card cannot meet ``ErrorCategory/invalidRequest``; a card without a
    /// usable display, or DRM master held elsewhere, ``ErrorCategory/unavailable``
    /// (``ErrorCategory/permissionDenied`` for EACCES/EPERM); misuse by the
    /// layers above ``ErrorCategory/internalError``; a card that misbehaves
    /// ``ErrorCategory/deviceFailed``.
    public var category: ErrorCategory {
        switch self {
        case .connectorNotFound, .planeNotFound:
            return .notFound
        case .connectorIsWriteback, .modeNotFound, .planeCannotReachCrtc, .formatNotSupported,
             .positionOutsideMode, .invalidFrameSize, .legacyNeedsFullScreenFrame, .configurationRejected, .noCandidate:
            return .invalidRequest
        case .noConnectedConnector, .noModes, .noCrtc, .writebackUnavailable:
            return .unavailable
        case .masterHeld(_, let code):
            return code == EACCES || code == EPERM ? .permissionDenied : .unavailable
        case .flipPending, .unknownFramebuffer, .framebufferTooSmall,
             .invalidFramebufferLayout, .closed:
            // The layers above promise not to do these: a framepipe bug.
            return .internalError
        case .missingProperty, .writebackTimedOut:
            return .deviceFailed
        }
    }

    private static func list(_ items: [some CustomStringConvertible]) -> String {
        items.isEmpty ? "none" : items.map(\.description).joined(separator: ", ")
    }
}
