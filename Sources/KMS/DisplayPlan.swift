import Platform

/// One complete way of showing the frames: connector, mode, CRTC, one plane
/// and where on it the frame goes. ``DisplayPlanner`` lists the candidates
/// for a card in order of preference, from a ``CardInfo`` snapshot alone
/// (no device calls, so the policy is testable anywhere); ``Display`` asks
/// the kernel (TEST_ONLY) which of them it takes.
public struct DisplayPlan: Sendable, Equatable, CustomStringConvertible {
    /// The card's device node, e.g. "/dev/dri/card0".
    public var device: String
    /// The connector to light up: the one asked for, else the first connected
    /// display connector (failing that, the first in the "unknown" state).
    public var connector: ConnectorInfo
    /// The mode to set on ``crtc``.
    public var mode: DisplayMode
    /// Why this mode (asked for, preferred, the frame's size, ...).
    public var modeChoice: ModeChoice
    /// The CRTC to drive ``connector`` with: the first that can drive it and
    /// has a plane for the format, the one driving it now tried first.
    public var crtc: CrtcID
    /// The plane that shows the frames; nil on a legacy card that lists no
    /// planes (without universal planes the CRTC's primary plane is implied).
    public var plane: PlaneInfo?
    /// Where the frame goes on the display and which part of it is shown.
    public var layout: PlaneLayout
    /// Unscaled, scaled to fit, or cropped.
    public var placement: Placement
    /// Other planes on ``crtc`` this plan turns off, so that nothing covers
    /// the frame (empty: they are kept, for drivers that need them on).
    public var planesTurnedOff: [PlaneID]
    /// The planes attached to ``crtc`` when the card was described (they are
    /// saved at setup and put back at the end).
    public var planesOnCrtc: [PlaneID]
    /// A writeback connector that can capture ``crtc``, if the card has one.
    public var writeback: ConnectorInfo?
    /// Whether the legacy (non-atomic) calls will be used.
    public var isLegacy: Bool

    /// A plan with these parts; no checks (``DisplayPlanner`` makes valid ones).
    package init(
        device: String, connector: ConnectorInfo, mode: DisplayMode, modeChoice: ModeChoice, crtc: CrtcID,
        plane: PlaneInfo?, layout: PlaneLayout, placement: Placement, planesTurnedOff: [PlaneID],
        planesOnCrtc: [PlaneID], writeback: ConnectorInfo?, isLegacy: Bool
    ) {
        self.device = device
        self.connector = connector
        self.mode = mode
        self.modeChoice = modeChoice
        self.crtc = crtc
        self.plane = plane
        self.layout = layout
        self.placement = placement
        self.planesTurnedOff = planesTurnedOff
        self.planesOnCrtc = planesOnCrtc
        self.writeback = writeback
        self.isLegacy = isLegacy
    }

    /// The first plan ``DisplayPlanner`` lists for `selection` on `card`.
    ///
    /// - Throws: ``DisplayError`` naming what was not found and listing what
    ///   is available.
    package static func make(for card: CardInfo, selection: DisplaySelection) throws(DisplayError) -> DisplayPlan {
        let candidates = try DisplayPlanner.candidates(for: card, selection: selection)
        guard let first = candidates.first else {
            throw .noCandidate(device: card.path, selection: "\(selection.frameWidth)x\(selection.frameHeight) \(selection.format)")
        }
        return first
    }

    /// "plane 33 (overlay) src 640x480+0+0 -> crtc 640x480+192+144, unscaled,
    /// mode 1024x768@60.004Hz (the connector's preferred mode), CRTC 37,
    /// connector Virtual-1".
    public var description: String {
        let planeText = plane.map { "plane \($0.id) (\($0.type.rawValue))" } ?? "the CRTC's primary plane"
        // The choice says why the mode; the mode's own "(preferred)" would repeat it.
        let marker = " (preferred)"
        let modeText = mode.description.hasSuffix(marker) ? String(mode.description.dropLast(marker.count)) : mode.description
        var text = "\(planeText) \(layout), \(placement.rawValue), mode \(modeText) (\(modeChoice.reason)), CRTC \(crtc), connector \(connector.name)"
        if isLegacy { text += ", legacy" }
        let kept = planesOnCrtc.filter { $0 != plane?.id && !planesTurnedOff.contains($0) }
        if !kept.isEmpty { text += ", other planes kept" }
        return text
    }
}
