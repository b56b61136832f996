import Platform

/// The resolved display setup: which connector, mode, CRTC, which planes to
/// try in order, and where the frame goes. Computed from a ``CardInfo``
/// snapshot alone, with no device calls, so the policy is testable anywhere;
/// ``Display`` then tries the plane candidates with TEST_ONLY commits.
public struct DisplayPlan: Sendable, Equatable {
    /// The card's device node, e.g. "/dev/dri/card0".
    public var device: String
    /// The connector to light up: the one asked for, else the first connected
    /// display connector (failing that, the first in the "unknown" state).
    public var connector: ConnectorInfo
    /// The mode to set on ``crtc``: the one asked for, else the connector's
    /// preferred mode.
    public var mode: DisplayMode
    /// The CRTC to drive ``connector`` with: the first that can drive it and
    /// has a plane for the format, the one driving it now tried first.
    public var crtc: CrtcID
    /// Planes able to show the format on ``crtc``, best first.
    public var planes: [PlaneInfo]
    /// Where the frame goes on the display and which part of it is shown.
    public var layout: PlaneLayout
    /// The planes currently attached to ``crtc`` (they are saved, and
    /// turned off where they would cover the frame).
    public var planesOnCrtc: [PlaneID]
    /// A writeback connector that can capture ``crtc``, if the card has one.
    public var writeback: ConnectorInfo?
    /// Whether the legacy (non-atomic) calls will be used.
    public var isLegacy: Bool

    /// Resolves `selection` against `card`.
    ///
    /// - Throws: ``DisplayError`` naming what was not found and listing what
    ///   is available.
    public static func make(for card: CardInfo, selection: DisplaySelection) throws(DisplayError) -> DisplayPlan {
        guard selection.frameWidth > 0, selection.frameHeight > 0 else {
            throw .invalidFrameSize(width: selection.frameWidth, height: selection.frameHeight)
        }
        let isLegacy = selection.forceLegacy || !card.capabilities.atomic
        let connector = try chooseConnector(selection.connector, in: card)
        let mode = try chooseMode(
            selection.mode, connector: connector, device: card.path,
            legacyFrame: isLegacy ? (selection.frameWidth, selection.frameHeight) : nil)
        let (crtc, planes) = try chooseCrtcAndPlanes(connector: connector, in: card, selection: selection, isLegacy: isLegacy)
        let layout = try PlaneLayout.fitting(
            frameWidth: selection.frameWidth, frameHeight: selection.frameHeight,
            displayWidth: mode.width, displayHeight: mode.height, position: selection.position)
        if isLegacy, !layout.coversDisplay(width: mode.width, height: mode.height) {
            throw .legacyNeedsFullScreenFrame(
                frameWidth: selection.frameWidth, frameHeight: selection.frameHeight, mode: mode.description, device: card.path)
        }
        let writeback = card.connectors.first { $0.isWriteback && $0.possibleCrtcs.contains(crtc) }
        return DisplayPlan(
            device: card.path, connector: connector, mode: mode, crtc: crtc, planes: planes, layout: layout,
            planesOnCrtc: card.planes.filter { $0.currentCrtc == crtc }.map(\.id),
            writeback: writeback, isLegacy: isLegacy)
    }

    /// The connector asked for, or the first connected display connector
    /// (else the first whose state is unknown, as libcamera's cam does).
    public static func chooseConnector(_ request: DisplaySelection.Connector?, in card: CardInfo) throws(DisplayError) -> ConnectorInfo {
        let available = card.connectors.map(ConnectorSummary.init)
        guard let request else {
            let displays = card.connectors.filter { !$0.isWriteback }
            if let connected = displays.first(where: { $0.status == .connected }) { return connected }
            if let unknown = displays.first(where: { $0.status == .unknown }) { return unknown }
            throw .noConnectedConnector(device: card.path, available: available)
        }
        let found: ConnectorInfo?
        switch request {
        case .named(let name):
            found = card.connectors.first { $0.name == name }
                ?? card.connectors.first { $0.name.lowercased() == name.lowercased() }
                ?? UInt32(name).flatMap { id in card.connectors.first { $0.id.rawValue == id } }
        case .id(let id):
            found = card.connectors.first { $0.id == id }
        }
        guard let found else {
            throw .connectorNotFound(requested: request.description, device: card.path, available: available)
        }
        if found.isWriteback {
            throw .connectorIsWriteback(name: found.name, device: card.path, available: available)
        }
        return found
    }

    /// The mode asked for, or the connector's preferred mode. For the legacy
    /// path with no mode asked for, a mode of exactly the frame's size is
    /// preferred when the connector has one, because legacy calls cannot
    /// place a frame smaller than the mode.
    public static func chooseMode(
        _ request: ModeRequest?, connector: ConnectorInfo, device: String, legacyFrame: (width: Int, height: Int)? = nil
    ) throws(DisplayError) -> DisplayMode {
        guard !connector.modes.isEmpty else {
            throw .noModes(connector: connector.name, device: device)
        }
        guard let request else {
            if let frame = legacyFrame, let preferred = connector.preferredMode,
               preferred.width > frame.width || preferred.height > frame.height,
               let exact = ModeRequest.size(width: frame.width, height: frame.height, refreshRate: nil).select(from: connector.modes) {
                return exact
            }
            if let preferred = connector.preferredMode { return preferred }
            throw .noModes(connector: connector.name, device: device)
        }
        guard let mode = request.select(from: connector.modes) else {
            throw .modeNotFound(
                requested: request.description, connector: connector.name, device: device,
                available: connector.modes.map(\.description))
        }
        return mode
    }

    /// Whether `plane` lists `format` with a modifier that `modifier` can use.
    public static func plane(_ plane: PlaneInfo, supports format: FourCC, modifier: FormatModifier) -> Bool {
        guard let entry = plane.formats.first(where: { $0.format == format }) else { return false }
        // A plane without IN_FORMATS takes only implicit (linear) layouts.
        if entry.modifiers.isEmpty { return modifier == .linear || modifier == .invalid }
        return modifier == .invalid || entry.modifiers.contains(modifier)
    }

    /// The planes of `crtc` that can show `format`, best first: the one
    /// asked for by id, else by type, primary planes first unless overlays
    /// are preferred (like libcamera's KMS sink, which tries the primary
    /// plane first). Cursor planes are never picked automatically, nor
    /// planes busy on another CRTC.
    public static func planeCandidates(
        on crtc: CrtcID, in card: CardInfo, format: FourCC, modifier: FormatModifier, choice: PlaneRequest
    ) throws(DisplayError) -> [PlaneInfo] {
        let usable = card.planes.filter { $0.possibleCrtcs.contains(crtc) }
        if case .id(let id) = choice {
            guard let plane = card.planes.first(where: { $0.id == id }) else {
                throw .planeNotFound(requested: id, device: card.path, available: card.planes.map(PlaneSummary.init))
            }
            guard plane.possibleCrtcs.contains(crtc) else {
                throw .planeCannotReachCrtc(plane: id, crtc: crtc, device: card.path)
            }
            guard Self.plane(plane, supports: format, modifier: modifier) else {
                throw .formatNotSupported(
                    format: format, modifier: modifier, plane: id, crtc: crtc, device: card.path,
                    planes: usable.map(PlaneSummary.init))
            }
            return [plane]
        }
        let order: [PlaneType]
        if choice == .overlay {
            order = [.overlay, .primary]
        } else {
            order = [.primary, .overlay]
        }
        let candidates = order.flatMap { type in
            usable.filter {
                $0.type == type
                    && ($0.currentCrtc == nil || $0.currentCrtc == crtc)
                    && Self.plane($0, supports: format, modifier: modifier)
            }
        }
        guard !candidates.isEmpty else {
            throw .formatNotSupported(
                format: format, modifier: modifier, plane: nil, crtc: crtc, device: card.path,
                planes: usable.map(PlaneSummary.init))
        }
        return candidates
    }

    /// The CRTC for `connector` (the one driving it now, else the first that
    /// can) and its plane candidates. A CRTC without a suitable plane is
    /// passed over for the next one that can drive the connector.
    static func chooseCrtcAndPlanes(
        connector: ConnectorInfo, in card: CardInfo, selection: DisplaySelection, isLegacy: Bool
    ) throws(DisplayError) -> (CrtcID, [PlaneInfo]) {
        let current = connector.currentEncoder.flatMap { id in card.encoders.first { $0.id == id }?.currentCrtc }
        var crtcs = connector.possibleCrtcs
        if let current, let index = crtcs.firstIndex(of: current) {
            crtcs.remove(at: index)
            crtcs.insert(current, at: 0)
        }
        guard !crtcs.isEmpty else {
            throw .noCrtc(connector: connector.name, device: card.path)
        }
        if isLegacy, !card.capabilities.universalPlanes {
            // Without universal planes the primary plane is not listed, but
            // drmModeSetCrtc and drmModePageFlip reach it anyway.
            return (crtcs[0], [])
        }
        var firstError: DisplayError?
        for crtc in crtcs {
            do throws(DisplayError) {
                var planes = try planeCandidates(
                    on: crtc, in: card, format: selection.format, modifier: selection.modifier, choice: selection.plane)
                if isLegacy {
                    // drmModeSetCrtc and drmModePageFlip drive the primary plane only.
                    planes = planes.filter { $0.type == .primary }
                    if planes.isEmpty {
                        throw DisplayError.formatNotSupported(
                            format: selection.format, modifier: selection.modifier, plane: nil, crtc: crtc, device: card.path,
                            planes: card.planes.filter { $0.possibleCrtcs.contains(crtc) && $0.type == .primary }.map(PlaneSummary.init))
                    }
                }
                return (crtc, planes)
            } catch {
                if firstError == nil { firstError = error }
            }
        }
        throw firstError ?? .noCrtc(connector: connector.name, device: card.path)
    }
}
