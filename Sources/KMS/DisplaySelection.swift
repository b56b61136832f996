import Platform

/// A mode as a person asks for it: "1024x768", "1920x1080@60",
/// "1920x1080@59.94", or the kernel's name of a mode.
public enum ModeRequest: Sendable, Equatable, CustomStringConvertible {
    /// A size, and optionally a refresh rate in hertz.
    case size(width: Int, height: Int, refreshRate: Double?)
    /// A mode name as the kernel lists it (e.g. "1920x1080i").
    case name(String)

    /// Reads "WIDTHxHEIGHT" or "WIDTHxHEIGHT@RATE"; anything else is taken
    /// as a mode name (and fails later with the list of modes if there is
    /// no such mode).
    public init(parsing text: String) {
        let trimmed = text.trimmingWhitespace()
        let atSplit = trimmed.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        let sizeParts = atSplit[0].split(separator: "x", maxSplits: 1, omittingEmptySubsequences: false)
        guard sizeParts.count == 2,
              let width = Int(sizeParts[0]), let height = Int(sizeParts[1]), width > 0, height > 0 else {
            self = .name(trimmed)
            return
        }
        if atSplit.count == 2 {
            guard let rate = Double(atSplit[1]), rate > 0, rate.isFinite else {
                self = .name(trimmed)
                return
            }
            self = .size(width: width, height: height, refreshRate: rate)
        } else {
            self = .size(width: width, height: height, refreshRate: nil)
        }
    }

    public var description: String {
        switch self {
        case .size(let width, let height, let rate?):
            return "\(width)x\(height)@\(rate.formatted)"
        case .size(let width, let height, nil):
            return "\(width)x\(height)"
        case .name(let name):
            return name
        }
    }

    /// How far a requested refresh rate may be from a mode's: 59.94 and 60
    /// are the same request to a person.
    static let refreshTolerance = 0.5

    /// Picks the mode this request means among `modes` (kernel order):
    /// for a size, the preferred mode if it has that size, else the closest
    /// rate (or, with no rate, the first listed, which the kernel sorts
    /// highest rate first); progressive modes win over interlaced ones.
    public func select(from modes: [DisplayMode]) -> DisplayMode? {
        switch self {
        case .name(let name):
            return modes.first { $0.name == name }
        case .size(let width, let height, let rate):
            let sized = modes.filter { $0.width == width && $0.height == height }
            let progressive = sized.filter { !$0.isInterlaced }
            let pool = progressive.isEmpty ? sized : progressive
            guard let rate else {
                return pool.first(where: \.isPreferred) ?? pool.first
            }
            let close = pool.filter { abs($0.refreshRate - rate) <= Self.refreshTolerance }
            return close.min { abs($0.refreshRate - rate) < abs($1.refreshRate - rate) }
        }
    }
}

/// A point on the display, in pixels from the top-left corner.
public struct PixelPoint: Sendable, Hashable {
    public var x: Int
    public var y: Int
    public init(x: Int, y: Int) {
        self.x = x
        self.y = y
    }
}

/// A rectangle in pixels.
public struct PixelRectangle: Sendable, Hashable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// "640x480+192+144", as X11 geometry and modetest write it.
    public var description: String { "\(width)x\(height)+\(x)+\(y)" }
}

/// Which part of a frame a plane reads (the source rectangle) and where on
/// the display it goes (the CRTC rectangle). Both have the same size:
/// framepipe never asks a plane to scale, because many (vkms among them)
/// cannot.
public struct PlaneLayout: Sendable, Hashable, CustomStringConvertible {
    public var source: PixelRectangle
    public var destination: PixelRectangle

    public init(source: PixelRectangle, destination: PixelRectangle) {
        self.source = source
        self.destination = destination
    }

    /// Places a frame on a display without scaling. Along each axis:
    ///
    /// - a frame that fits is shown whole, centred, or at `position`;
    /// - a frame larger than the display is cropped to the display's size,
    ///   keeping its centre (or its top-left part when a position is given,
    ///   which then must be 0 for that axis to show anything more);
    /// - a frame at `position` that runs past the display's edge is cropped
    ///   at that edge.
    ///
    /// - Throws: `DisplayError.positionOutsideMode` for a position off the
    ///   display, `DisplayError.invalidFrameSize` for an empty frame.
    public static func fitting(
        frameWidth: Int, frameHeight: Int, displayWidth: Int, displayHeight: Int, position: PixelPoint? = nil
    ) throws(DisplayError) -> PlaneLayout {
        guard frameWidth > 0, frameHeight > 0 else {
            throw .invalidFrameSize(width: frameWidth, height: frameHeight)
        }
        if let position {
            guard position.x >= 0, position.y >= 0, position.x < displayWidth, position.y < displayHeight else {
                throw .positionOutsideMode(x: position.x, y: position.y, mode: "\(displayWidth)x\(displayHeight)")
            }
        }
        let horizontal = axis(frame: frameWidth, display: displayWidth, position: position?.x)
        let vertical = axis(frame: frameHeight, display: displayHeight, position: position?.y)
        return PlaneLayout(
            source: PixelRectangle(x: horizontal.sourceOffset, y: vertical.sourceOffset, width: horizontal.length, height: vertical.length),
            destination: PixelRectangle(x: horizontal.destinationOffset, y: vertical.destinationOffset, width: horizontal.length, height: vertical.length))
    }

    private static func axis(frame: Int, display: Int, position: Int?) -> (sourceOffset: Int, destinationOffset: Int, length: Int) {
        if let position {
            return (0, position, min(frame, display - position))
        }
        if frame <= display {
            return (0, (display - frame) / 2, frame)
        }
        return ((frame - display) / 2, 0, display)
    }

    /// Whether the plane covers the whole display.
    public func coversDisplay(width: Int, height: Int) -> Bool {
        destination == PixelRectangle(x: 0, y: 0, width: width, height: height)
    }

    public var description: String { "src \(source) -> crtc \(destination)" }
}

/// What the display should show and where: everything optional picks a
/// sensible default (the first connected display, its preferred mode, the
/// first plane that can show the format, the frame centred).
public struct DisplaySelection: Sendable, Equatable {
    /// A connector by name ("Virtual-1", "HDMI-A-1") or id.
    public enum Connector: Sendable, Equatable, CustomStringConvertible {
        case named(String)
        case id(ConnectorID)

        public var description: String {
            switch self {
            case .named(let name): return name
            case .id(let id): return String(id.rawValue)
            }
        }
    }

    /// A plane by id, or the kind of plane to try first.
    public enum Plane: Sendable, Equatable {
        case id(PlaneID)
        case preferring(PlaneType)
    }

    /// The size of the frames that will be shown.
    public var frameWidth: Int
    public var frameHeight: Int
    /// Their DRM format ("XR24").
    public var format: FourCC
    /// Their memory layout; LINEAR for V4L2 buffers and dumb buffers.
    public var modifier: FormatModifier
    public var connector: Connector?
    public var mode: ModeRequest?
    public var plane: Plane?
    /// Where the frame's top-left corner goes; nil centres it.
    public var position: PixelPoint?
    /// Use `drmModeSetCrtc` and `drmModePageFlip` even when the card does
    /// atomic modesetting (to test the fallback for cards without it).
    public var forceLegacy: Bool

    public init(
        frameWidth: Int, frameHeight: Int, format: FourCC, modifier: FormatModifier = .linear,
        connector: Connector? = nil, mode: ModeRequest? = nil, plane: Plane? = nil,
        position: PixelPoint? = nil, forceLegacy: Bool = false
    ) {
        self.frameWidth = frameWidth
        self.frameHeight = frameHeight
        self.format = format
        self.modifier = modifier
        self.connector = connector
        self.mode = mode
        self.plane = plane
        self.position = position
        self.forceLegacy = forceLegacy
    }
}

/// The resolved display setup: which connector, mode, CRTC, which planes to
/// try in order, and where the frame goes. Computed from a ``CardInfo``
/// snapshot alone, with no device calls, so the policy is testable anywhere;
/// ``Display`` then tries the plane candidates with TEST_ONLY commits.
public struct DisplayPlan: Sendable, Equatable {
    public var device: String
    public var connector: ConnectorInfo
    public var mode: DisplayMode
    public var crtc: CrtcID
    /// Planes able to show the format on ``crtc``, best first.
    public var planes: [PlaneInfo]
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
        on crtc: CrtcID, in card: CardInfo, format: FourCC, modifier: FormatModifier, choice: DisplaySelection.Plane?
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
        if case .preferring(let type) = choice, type == .overlay {
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

extension Double {
    /// "60", "59.94": no trailing ".0".
    var formatted: String {
        self == rounded() ? String(Int(self)) : String(self)
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let end = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[start...end])
    }
}
