import Platform

/// What the display should show and where: everything optional picks a
/// sensible default (the first connected display, its preferred mode, the
/// first plane that can show the format, the frame centred).
package struct DisplaySelection: Sendable, Equatable {
    /// A connector by name ("Virtual-1", "HDMI-A-1") or id.
    package enum Connector: Sendable, Equatable, CustomStringConvertible {
        /// A connector name as the kernel writes it ("HDMI-A-1"); matched exactly,
        /// then ignoring case, then as a decimal id.
        case named(String)
        /// A connector by object id.
        case id(ConnectorID)

        /// As the user wrote it: `"HDMI-A-1"`, or the id in decimal (`"42"`).
        package var description: String {
            switch self {
            case .named(let name): return name
            case .id(let id): return String(id.rawValue)
            }
        }
    }

    /// Frame width in pixels; must be above 0.
    package var frameWidth: Int
    /// Frame height in pixels; must be above 0.
    package var frameHeight: Int
    /// Their DRM format ("XR24").
    package var format: FourCC
    /// Their memory layout; LINEAR for V4L2 buffers and dumb buffers.
    package var modifier: FormatModifier
    /// The connector to use; nil for the first connected display connector.
    package var connector: Connector?
    /// The mode to set; nil for the connector's preferred mode.
    package var mode: ModeRequest?
    /// Which plane (or kind of plane) to show the frames on.
    package var plane: PlaneRequest
    /// Where the frame's top-left corner goes; nil centres it.
    package var position: PixelPoint?
    /// Use `drmModeSetCrtc` and `drmModePageFlip` even when the card does
    /// atomic modesetting (to test the fallback for cards without it).
    package var forceLegacy: Bool
    /// The part of the mode the frame is placed in (one source of several
    /// on one screen); nil for the whole mode. The frame is fitted into it
    /// as into a whole screen (unscaled, scaled, cropped), on the first
    /// mode only, and ``position`` is not used.
    package var region: PixelRectangle?
    /// The only planes to consider, in this order (the planes a source of
    /// several may still take); nil for every plane. Twins are kept: each
    /// is a distinct layer.
    package var planes: [PlaneID]?

    /// A selection with these values; checked by ``DisplayPlan/make(for:selection:)``.
    package init(
        frameWidth: Int, frameHeight: Int, format: FourCC, modifier: FormatModifier = .linear,
        connector: Connector? = nil, mode: ModeRequest? = nil, plane: PlaneRequest = .automatic,
        position: PixelPoint? = nil, forceLegacy: Bool = false, region: PixelRectangle? = nil, planes: [PlaneID]? = nil
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
        self.region = region
        self.planes = planes
    }
}
