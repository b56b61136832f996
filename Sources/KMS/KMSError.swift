import Platform

/// Errors of the KMS layer that are not a single failed call (those are
/// Platform's `DeviceError`): a path that names the wrong kind of node, or
/// kernel data that does not make sense.
public enum KMSError: UserFacingError, Sendable, Equatable {
    /// Nothing exists at the path (`stat` gave ENOENT).
    case noSuchNode(path: String)
    /// The path exists but is not a DRM device node.
    case notADRMCard(path: String, found: DeviceNodeKind)
    /// The path is a DRM render node ("renderD128"): it can share buffers
    /// but the kernel refuses every mode-setting call on it.
    case renderNode(path: String)
    /// A plane's IN_FORMATS blob did not parse.
    case malformedFormatModifierBlob(device: String, plane: PlaneID, problem: FormatModifierBlobError)
    /// "auto" found no card with a connected display (`tried` lists the cards looked at).
    case noDisplayCard(tried: [String])

    /// One line naming the path or plane, e.g.
    /// `"/dev/dri/renderD128 is a DRM render node, which cannot drive a display; expected a DRM card (/dev/dri/cardN)"`.
    public var description: String {
        switch self {
        case .noSuchNode(let path):
            return "\(path) does not exist, expected a DRM card (/dev/dri/cardN); `framepipe list` shows the ones there are"
        case .notADRMCard(let path, let found):
            return "\(path) is \(found), expected a DRM card (/dev/dri/cardN)"
        case .renderNode(let path):
            return "\(path) is a DRM render node, which cannot drive a display; expected a DRM card (/dev/dri/cardN)"
        case .malformedFormatModifierBlob(let device, let plane, let problem):
            return "\(device): the IN_FORMATS property of plane \(plane) is malformed: \(problem)"
        case .noDisplayCard(let tried):
            let looked = tried.isEmpty ? "nothing: no /dev/dri/card* nodes exist" : tried.joined(separator: ", ")
            return "no DRM card with a connected display found (tried \(looked)); name one with sink.card or --card"
        }
    }

    /// What kind of failure each case is.
    public var category: ErrorCategory {
        switch self {
        case .notADRMCard, .renderNode: return .unavailable
        case .noSuchNode, .noDisplayCard: return .notFound
        // The kernel handed back nonsense: the device is at fault.
        case .malformedFormatModifierBlob: return .deviceFailed
        }
    }
}
