import Platform

/// Choosing the parts of a display plan: connector, modes, CRTC, planes.
extension DisplayPlanner {
    /// The connector asked for, or the first connected display connector
    /// (else the first whose state is unknown, as libcamera's cam does).
    package static func chooseConnector(_ request: DisplaySelection.Connector?, in card: CardInfo) throws(DisplayError) -> ConnectorInfo {
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

    /// The modes to try, best first, each with why: the mode asked for
    /// alone (it is pinned); else the connector's preferred mode (the first
    /// listed when none is marked), then a mode of exactly the frame's size,
    /// then the smallest mode that holds the frame, then the largest mode
    /// the frame covers (for cropping); progressive modes only.
    package static func modeCandidates(
        _ request: ModeRequest?, connector: ConnectorInfo, device: String, frameWidth: Int, frameHeight: Int
    ) throws(DisplayError) -> [(DisplayMode, ModeChoice)] {
        guard !connector.modes.isEmpty else {
            throw .noModes(connector: connector.name, device: device)
        }
        if let request {
            guard let mode = request.select(from: connector.modes) else {
                throw .modeNotFound(
                    requested: request.description, connector: connector.name, device: device,
                    available: connector.modes.map(\.description))
            }
            return [(mode, .requested)]
        }
        guard let preferred = connector.preferredMode ?? connector.modes.first else {
            throw .noModes(connector: connector.name, device: device)
        }
        var modes: [(DisplayMode, ModeChoice)] = [(preferred, .preferred)]
        func sameSize(_ a: DisplayMode, _ b: DisplayMode) -> Bool { a.width == b.width && a.height == b.height }
        if let exact = ModeRequest.size(width: frameWidth, height: frameHeight, refreshRate: nil).select(from: connector.modes),
           !modes.contains(where: { sameSize($0.0, exact) }) {
            modes.append((exact, .frameSize))
        }
        let holding = connector.modes
            .filter { $0.width >= frameWidth && $0.height >= frameHeight && !$0.isInterlaced }
            .min { $0.width * $0.height < $1.width * $1.height }
        if let holding, !modes.contains(where: { sameSize($0.0, holding) }) {
            modes.append((holding, .smallestHolding))
        }
        let covered = connector.modes
            .filter { $0.width <= frameWidth && $0.height <= frameHeight && !$0.isInterlaced }
            .max { $0.width * $0.height < $1.width * $1.height }
        if let covered, !modes.contains(where: { sameSize($0.0, covered) }) {
            modes.append((covered, .largestCovered))
        }
        return modes
    }

    /// Whether `plane` lists `format` with a modifier that `modifier` can use.
    package static func plane(_ plane: PlaneInfo, supports format: FourCC, modifier: FormatModifier) -> Bool {
        guard let entry = plane.formats.first(where: { $0.format == format }) else { return false }
        // A plane without IN_FORMATS takes only implicit (linear) layouts.
        if entry.modifiers.isEmpty { return modifier == .linear || modifier == .invalid }
        return modifier == .invalid || entry.modifiers.contains(modifier)
    }

    /// The planes of `crtc` that can show `format`, best first: the one
    /// asked for by id, or the planes of the type asked for (pinned: no
    /// other type is tried), or, for `automatic`, primary planes first and
    /// then overlays (as libcamera's KMS sink tries the primary plane first).
    /// Cursor planes are never picked automatically, nor planes busy on
    /// another CRTC.
    package static func planeCandidates(
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
        switch choice {
        case .primary: order = [.primary]
        case .overlay: order = [.overlay]
        default: order = [.primary, .overlay]
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
