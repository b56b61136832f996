import Platform

/// Lists the ways a card can show frames of one size and format, best
/// first: a pure function of a ``CardInfo`` and a ``DisplaySelection``.
///
/// What the selection pins (connector, mode, plane or plane type, position,
/// legacy) stays pinned; the rest is searched, in this order:
///
/// 1. the requested or preferred mode, the frame unscaled on a plane (each
///    plane in turn), centred or where asked;
/// 2. the same mode, the frame scaled by the plane to fit, aspect ratio
///    kept (not when a position is pinned);
/// 3. a mode of the frame's size, then the smallest mode that holds it,
///    the frame unscaled (for planes that must cover the CRTC);
/// 4. the frame cropped around its centre, on the first mode and then on
///    the largest mode the frame covers (a frame larger than the mode,
///    where no plane could scale it down).
///
/// Each plane placement comes first with the CRTC's other planes turned
/// off (nothing covers the frame), then with them kept (some drivers need
/// the primary plane on). Which of these the hardware takes is for
/// TEST_ONLY to say (``Display/test(_:framebuffer:)``), never the driver's
/// name. On the legacy path (no TEST_ONLY) only plans whose primary plane
/// covers the mode unscaled are listed.
package enum DisplayPlanner {
    /// The candidates for `selection` on `card`, best first; never empty.
    ///
    /// - Throws: ``DisplayError`` naming what was not found (connector,
    ///   mode, plane, a plane for the format) and listing what is available,
    ///   or why no plan can show the frame (`legacyNeedsFullScreenFrame`,
    ///   `positionOutsideMode`).
    package static func candidates(for card: CardInfo, selection: DisplaySelection) throws(DisplayError) -> [DisplayPlan] {
        let width = selection.frameWidth, height = selection.frameHeight
        guard width > 0, height > 0 else { throw .invalidFrameSize(width: width, height: height) }
        let isLegacy = selection.forceLegacy || !card.capabilities.atomic
        let connector = try chooseConnector(selection.connector, in: card)
        let modes = try modeCandidates(selection.mode, connector: connector, device: card.path, frameWidth: width, frameHeight: height)
        let (crtc, allPlanes) = try chooseCrtcAndPlanes(connector: connector, in: card, selection: selection, isLegacy: isLegacy)
        var planes = distinct(allPlanes)
        if let only = selection.planes {
            planes = only.compactMap { id in allPlanes.first { $0.id == id } }
            guard !planes.isEmpty else {
                throw .formatNotSupported(
                    format: selection.format, modifier: selection.modifier, plane: only.first, crtc: crtc, device: card.path,
                    planes: card.planes.filter { only.contains($0.id) }.map(PlaneSummary.init))
            }
        }
        let region = selection.region
        let planesOnCrtc = card.planes.filter { $0.currentCrtc == crtc }.map(\.id)
        let writeback = card.connectors.first { $0.isWriteback && $0.possibleCrtcs.contains(crtc) }
        let planeChoices: [PlaneInfo?] = planes.isEmpty ? [nil] : planes

        var plans: [DisplayPlan] = []
        var firstError: DisplayError?
        func add(_ mode: (DisplayMode, ModeChoice), _ placement: Placement, _ layout: () throws(DisplayError) -> PlaneLayout) {
            let made: PlaneLayout
            do { made = try layout() } catch {
                if firstError == nil { firstError = error }
                return
            }
            for plane in planeChoices {
                // In a region, the composition as a whole says which planes go off.
                let others = region != nil ? [] : planesOnCrtc.filter { $0 != plane?.id }
                for turnedOff in others.isEmpty ? [others] : [others, []] {
                    let plan = DisplayPlan(
                        device: card.path, connector: connector, mode: mode.0, modeChoice: mode.1, crtc: crtc, plane: plane,
                        layout: made, placement: placement, planesTurnedOff: turnedOff, planesOnCrtc: planesOnCrtc,
                        writeback: writeback, isLegacy: isLegacy)
                    if !plans.contains(plan) { plans.append(plan) }
                }
            }
        }
        // The area the frame goes in: the region's size, else the mode's.
        func area(_ mode: DisplayMode) -> (width: Int, height: Int) { region.map { ($0.width, $0.height) } ?? (mode.width, mode.height) }
        func fits(_ mode: DisplayMode) -> Bool { width <= area(mode).width && height <= area(mode).height }
        let first = modes[0], alternatives = region != nil ? [] : modes.dropFirst()
        let position = region != nil ? nil : selection.position
        func unscaled(_ mode: DisplayMode) throws(DisplayError) -> PlaneLayout {
            try PlaneLayout.fitting(
                frameWidth: width, frameHeight: height, displayWidth: area(mode).width, displayHeight: area(mode).height, position: position
            ).offset(by: region)
        }
        // 1. Unscaled on the first mode, where the frame (at its position) shows whole.
        if fits(first.0) || position != nil {
            let layout = try? unscaled(first.0)
            let whole = layout.map { $0.source.width == width && $0.source.height == height } ?? true
            add(first, whole ? .unscaled : .cropped) { () throws(DisplayError) in try unscaled(first.0) }
        }
        // 2. Scaled to fit the first mode.
        if position == nil, !isLegacy, (width, height) != area(first.0) {
            add(first, .scaledToFit) { () throws(DisplayError) in
                try PlaneLayout.scaledToFit(
                    frameWidth: width, frameHeight: height, displayWidth: area(first.0).width, displayHeight: area(first.0).height
                ).offset(by: region)
            }
        }
        // 3. Another mode that holds the frame, unscaled.
        for mode in alternatives where fits(mode.0) && mode.1 != .largestCovered {
            add(mode, .unscaled) { () throws(DisplayError) in try unscaled(mode.0) }
        }
        // 4. Cropped: on the first mode, then filling the largest mode the frame covers.
        if position == nil {
            if !fits(first.0) {
                add(first, .cropped) { () throws(DisplayError) in try unscaled(first.0) }
            }
            for mode in alternatives where mode.1 == .largestCovered && !fits(mode.0) {
                add(mode, .cropped) { () throws(DisplayError) in try unscaled(mode.0) }
            }
        }
        if isLegacy {
            plans = plans.filter { !$0.layout.isScaled && $0.layout.coversDisplay(width: $0.mode.width, height: $0.mode.height) }
            guard !plans.isEmpty else {
                throw .legacyNeedsFullScreenFrame(frameWidth: width, frameHeight: height, mode: first.0.description, device: card.path)
            }
        }
        guard !plans.isEmpty else {
            throw firstError ?? .noCandidate(device: card.path, selection: "\(width)x\(height) \(selection.format)")
        }
        return plans
    }

    /// The planes with an equal earlier one left out: same type, formats
    /// and modifiers, CRTCs, and not in use. vkms has eight such overlays;
    /// what one of them is refused, the others are refused too, so trying
    /// each would only lengthen the plan. A plane asked for by id is kept.
    static func distinct(_ planes: [PlaneInfo]) -> [PlaneInfo] {
        var kept: [PlaneInfo] = []
        for plane in planes {
            let twin = kept.contains {
                $0.type == plane.type && $0.formats == plane.formats && $0.possibleCrtcs == plane.possibleCrtcs
                    && $0.currentCrtc == nil && plane.currentCrtc == nil
            }
            if !twin { kept.append(plane) }
        }
        return kept
    }
}
